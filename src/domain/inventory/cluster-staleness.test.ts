import { describe, expect, it } from 'vitest';
import { computeClusterStaleness, computeStaleCutoff } from './cluster-staleness.ts';

const SINCE = '2026-11-30T08:00:00.000Z';
const at = (minutesAfter: number) => ({ now: Date.parse(SINCE) + minutesAfter * 60_000, staleAfterMs: 30 * 60_000 });
const cluster = (phase: Parameters<typeof computeClusterStaleness>[0]['phase']) => ({ name: 'store-42', phase, updatedAt: SINCE });

describe('computeClusterStaleness', () => {
  it('finds a cluster waiting for nodes stale once nothing moved it for longer than the stale time, with the reason', () => {
    expect(computeClusterStaleness(cluster('waiting-for-nodes'), at(30))).toEqual({ stale: false });
    expect(computeClusterStaleness(cluster('waiting-for-nodes'), at(31))).toEqual({
      stale: true,
      reason: {
        code: 'ClusterStale',
        message: `cluster store-42 has been waiting-for-nodes since ${SINCE} with no word from its agents for more than 30 min; deleting it needs no agent`,
        details: { phase: 'waiting-for-nodes', since: SINCE, staleAfterSeconds: '1800' },
      },
    });
  });

  it('finds a provisioning cluster stale the same way', () => {
    expect(computeClusterStaleness(cluster('provisioning'), at(31))).toMatchObject({ stale: true, reason: { code: 'ClusterStale' } });
  });

  it.each(['ready', 'degraded', 'failed', 'deleting'] as const)(
    'never finds a %s cluster stale: an agent has spoken or it is being removed',
    (phase) => {
      expect(computeClusterStaleness(cluster(phase), at(600))).toEqual({ stale: false });
    },
  );

  it('gives the cutoff the store compares last changes with', () => {
    expect(computeStaleCutoff(at(31))).toBe('2026-11-30T08:01:00.000Z');
  });
});
