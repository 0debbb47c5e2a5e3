/**
 * The held read behind every wait of the API (an agent's long-poll, an enrollment waiting for its host, a request
 * waiting for its job): read, and while the answer is not the awaited one, sleep until woken by an event of this
 * process or until `recheckMs` passes (changes made by another replica on the same database send no event).
 */

export interface ReadUntilOptions<T> {
  read(): Promise<T>;
  /** True when `value` can be answered at once. */
  settled(value: T): boolean;
  /** Resolves on an event that may have changed what `read` sees, after `timeoutMs` at the latest, or on abort. */
  wake(timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** How long to hold at most; the last read is answered then, settled or not. */
  waitMs: number;
  recheckMs: number;
  /** Ends the wait early (server closing, client gone): the last read is answered. */
  signal?: AbortSignal;
}

/**
 * The reason a finished read's wait is aborted with: one value for all, because abort() without a reason builds a
 * DOMException (and its stack) every time, which thousands of held requests per second pay for in CPU.
 */
export const READ_FINISHED = Symbol('read finished');

export async function readUntil<T>({ read, settled, wake, waitMs, recheckMs, signal }: ReadUntilOptions<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Listen before reading, so an event between the read and the sleep is not missed.
    const stop = new AbortController();
    const woken = wake(
      Math.max(0, Math.min(deadline - Date.now(), recheckMs)),
      signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
    );
    let value: T;
    try {
      value = await read();
    } catch (error) {
      stop.abort(READ_FINISHED);
      throw error;
    }
    if (settled(value) || Date.now() >= deadline || signal?.aborted) {
      stop.abort(READ_FINISHED);
      return value;
    }
    await woken;
  }
}
