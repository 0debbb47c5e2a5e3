/**
 * Loads data for a page: the value, the error, and a reload. A newer load cancels the older one's request (its
 * answer would be dropped anyway), so typing into a filter never queues answers nobody waits for.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './api/client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(abort.signal).then(
      (data) => run === latest.current && setState({ data, error: null, loading: false }),
      (error: unknown) =>
        run === latest.current && !abort.signal.aborted && setState((s) => ({ ...s, error: errorText(error), loading: false })),
    );
    return () => abort.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
