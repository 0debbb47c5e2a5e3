/** Exponential backoff with full jitter, for retrying calls to the orchestrator after network errors and 5xx. */

export interface BackoffPolicy {
  /** The first delay's upper bound. */
  baseMs: number;
  /** No delay exceeds this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/**
 * The delay before retry number `attempt` (0 for the first retry): a random value in [bound/2, bound], where
 * bound = min(cap, base·2^attempt). Half the bound is kept so that retries never bunch up at zero, the other half
 * is random so that many agents that lost the server at the same moment do not come back at the same moment.
 */
export function computeBackoffDelay(attempt: number, { baseMs, capMs }: BackoffPolicy, random: () => number = Math.random): number {
  const bound = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(bound / 2 + random() * (bound / 2));
}
