/**
 * A list the server pages by cursor, as every list route does: the stack of the cursors of the pages seen (so
 * Previous goes back), back to the first page whenever the filter changes, each page loaded by useLoad.
 */
import { useState } from 'react';
import { useLoad, type Loaded } from './use-load.ts';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<P> extends Loaded<P> {
  /** 1 for the first page. */
  page: number;
  previous: () => void;
  next: () => void;
}

export function usePagedList<P extends CursorPage<unknown>>(
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<P>,
  filter: readonly unknown[],
): PagedList<P> {
  const key = JSON.stringify(filter);
  const [seen, setSeen] = useState<{ key: string; cursors: (string | undefined)[] }>({ key, cursors: [undefined] });
  // Cursors of another filter mean nothing for this one: a changed filter starts at the first page at once.
  const cursors = seen.key === key ? seen.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const loaded = useLoad((signal) => load(cursor, signal), [key, cursor]);
  const nextCursor = loaded.data?.nextCursor;
  return {
    ...loaded,
    page: cursors.length,
    previous: () => setSeen({ key, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
    next: () => nextCursor && setSeen({ key, cursors: [...cursors, nextCursor] }),
  };
}
