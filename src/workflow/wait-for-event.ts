/** The wait shared by the in-process signals: one event, a timeout, or an abort, whichever comes first. */
import type { EventEmitter } from 'node:events';

/** Resolves on the next `key` event of `emitter`, or after `timeoutMs`, or when `signal` aborts. */
export function waitForEvent(emitter: EventEmitter, key: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      emitter.off(key, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    emitter.on(key, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
