/**
 * The time the agent loop reads and waits on: when failed work is due again, how long a long-poll may wait, and
 * the backoff between retries. Injected, so tests can see and shorten every wait instead of sleeping through it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface AgentClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The machine's clock and timers. */
export const SYSTEM_CLOCK: AgentClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};
