/** Cursor paging as the API does it: a stack of the cursors of the pages seen, so Previous goes back. */
import { useState } from 'react';

export function usePager() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    reset: () => setCursors([undefined]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    next: (cursor: string | null) => cursor && setCursors((c) => [...c, cursor]),
  };
}
