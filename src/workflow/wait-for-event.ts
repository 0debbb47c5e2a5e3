/** The wait shared by the in-process signals: one of some events, a timeout, or an abort, whichever comes first. */
import type { EventEmitter } from 'node:events';

/** Resolves on the next event named by `keys` of `emitter`, or after `timeoutMs`, or when `signal` aborts. */
export function waitForEvent(
  emitter: EventEmitter,
  keys: string | readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  const names = typeof keys === 'string' ? [keys] : keys;
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const name of names) emitter.off(name, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    for (const name of names) emitter.on(name, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
