/**
 * Follows what the server long-polls (a registration job, a cluster): each answer carries a revision, and the next
 * request waits on the server until the value moves past it. `reload` asks at once (after the page changed it).
 */
import { useCallback, useEffect, useState } from 'react';
import { errorText } from './api/client.ts';

/** Held at most this long by the server per request, in seconds. */
const WAIT_SECONDS = 25;
/** After a failed request, the next one waits this long. */
const RETRY_MS = 2000;

export interface Followed<T> {
  data: T | undefined;
  error: string | null;
  reload: () => void;
}

export function useLongPoll<T>(
  poll: (query: { since?: string; wait: number }, signal: AbortSignal) => Promise<{ revision: string; value: T }>,
  deps: readonly unknown[],
): Followed<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null }>({ data: undefined, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const stop = new AbortController();
    let since: string | undefined;
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const answer = await poll({ ...(since ? { since } : {}), wait: WAIT_SECONDS }, stop.signal);
          since = answer.revision;
          setState({ data: answer.value, error: null });
        } catch (e) {
          if (stop.signal.aborted) return;
          setState((s) => ({ ...s, error: errorText(e) }));
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    })();
    return () => stop.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
