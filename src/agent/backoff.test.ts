import { describe, expect, it } from 'vitest';
import { computeBackoffDelay } from './backoff.ts';

const POLICY = { baseMs: 500, capMs: 30_000 };

describe('computeBackoffDelay', () => {
  it('doubles the bound with each attempt and keeps the delay between half the bound and the bound', () => {
    expect([0, 1, 2, 3].map((a) => computeBackoffDelay(a, POLICY, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((a) => computeBackoffDelay(a, POLICY, () => 1))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(computeBackoffDelay(10, POLICY, () => 1)).toBe(30_000);
    expect(computeBackoffDelay(5000, POLICY, () => 1)).toBe(30_000);
    expect(computeBackoffDelay(5000, POLICY, () => 0)).toBe(15_000);
  });

  it('spreads agents that retry at the same attempt (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => computeBackoffDelay(6, POLICY)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
