/**
 * Lists of named, versioned documents (OS profiles, templates) page by name, then by the version's sort key (see
 * migration 0017), the cursor being the last item's name:version. A page is at most two ranges of the
 * (project, name, version_key) index: the rest of the cursor's name, then the names after it.
 */
import { sql, type RawBuilder } from 'kysely';

/** The name column compared in code point order on both engines: PostgreSQL in the "C" collation, as indexed. */
export const nameInCodePointOrder = (engine: 'sqlite' | 'postgres'): RawBuilder<string> =>
  engine === 'postgres' ? sql<string>`name collate "C"` : sql<string>`name`;

/** Which rows a page reads: the versions beyond `versionKey` of one name, or every version of the names after one. */
export type NameVersionRange = { name: string; beyondVersionKey: string } | { afterName: string | null };

export async function readNameVersionPage<T>({
  rows,
  after,
  versionKey,
  read,
}: {
  /** How many rows to read: limit + 1, so the caller knows whether a next page exists. */
  rows: number;
  after: { name: string; version: string } | null;
  versionKey: (version: string) => string;
  /** At most `rows` rows of the range, in the list's order. */
  read: (range: NameVersionRange, rows: number) => Promise<T[]>;
}): Promise<T[]> {
  if (!after) return read({ afterName: null }, rows);
  const rest = await read({ name: after.name, beyondVersionKey: versionKey(after.version) }, rows);
  return rest.length < rows ? [...rest, ...(await read({ afterName: after.name }, rows - rest.length))] : rest;
}
