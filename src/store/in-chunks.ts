/** Rows per multi-row statement or IN list: keeps every statement under both engines' bound-parameter limits. */
export const CHUNK_ROWS = 500;

/** `items` in slices of at most CHUNK_ROWS, in order. */
export function* inChunks<T>(items: readonly T[], size: number = CHUNK_ROWS): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
