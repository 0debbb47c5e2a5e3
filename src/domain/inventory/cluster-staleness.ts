/**
 * Stale clusters: a cluster still waiting for its nodes or provisioning that nothing has moved (no agent report,
 * no change) for longer than the server's stale-cluster time. Its hosts never came online, so it is computed
 * from the phase and the last change at the moment of asking, never stored, and it is deleted without an agent.
 */
import type { Reason } from '../reasons.ts';
import type { Cluster, ClusterPhase } from './cluster.ts';

/** The default of the server's stale-cluster time (`--stale-cluster-after`). */
export const DEFAULT_STALE_CLUSTER_AFTER_SECONDS = 30 * 60;

/** The phases in which a cluster waits for an agent; in any other an agent has spoken or it is being removed. */
export const STALE_PHASES: readonly ClusterPhase[] = ['waiting-for-nodes', 'provisioning'];

export type ClusterStaleness = { stale: false } | { stale: true; reason: Reason };

export interface StalenessClock {
  /** Now, in milliseconds since the epoch. */
  now: number;
  staleAfterMs: number;
}

/** Clusters whose last change is before this instant (ISO 8601, as the store records it) are stale when in a STALE_PHASES phase. */
export function computeStaleCutoff({ now, staleAfterMs }: StalenessClock): string {
  return new Date(now - staleAfterMs).toISOString();
}

export function computeClusterStaleness(cluster: Pick<Cluster, 'name' | 'phase' | 'updatedAt'>, clock: StalenessClock): ClusterStaleness {
  if (!STALE_PHASES.includes(cluster.phase) || !(cluster.updatedAt < computeStaleCutoff(clock))) return { stale: false };
  const minutes = Math.round(clock.staleAfterMs / 60_000);
  return {
    stale: true,
    reason: {
      code: 'ClusterStale',
      message: `cluster ${cluster.name} has been ${cluster.phase} since ${cluster.updatedAt} with no word from its agents for more than ${minutes} min; deleting it needs no agent`,
      details: { phase: cluster.phase, since: cluster.updatedAt, staleAfterSeconds: String(Math.round(clock.staleAfterMs / 1000)) },
    },
  };
}
