/**
 * Reading clusters with their staleness, computed at the moment of asking from the server's stale-cluster time
 * (cluster-staleness.ts), never stored: a cluster answer says `stale` and, when stale, why.
 */
import type { Cluster } from '../../domain/inventory/cluster.ts';
import {
  DEFAULT_STALE_CLUSTER_AFTER_SECONDS,
  computeClusterStaleness,
  computeStaleCutoff,
  type StalenessClock,
} from '../../domain/inventory/cluster-staleness.ts';
import type { Reason } from '../../domain/reasons.ts';
import type { Page, PageRequest } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type ClusterView = Cluster & { stale: boolean; staleReason?: Reason };

type ClockDeps = Pick<UseCaseDeps, 'staleClusterAfterMs' | 'now'>;

export function readStalenessClock({ staleClusterAfterMs, now = Date.now }: ClockDeps): StalenessClock {
  return { now: now(), staleAfterMs: staleClusterAfterMs ?? DEFAULT_STALE_CLUSTER_AFTER_SECONDS * 1000 };
}

export function viewCluster(cluster: Cluster, clock: StalenessClock): ClusterView {
  const staleness = computeClusterStaleness(cluster, clock);
  return staleness.stale ? { ...cluster, stale: true, staleReason: staleness.reason } : { ...cluster, stale: false };
}

/** A page of the project's clusters; with `stale`, only those that are (true) or are not (false) stale. */
export async function listClusters(
  deps: Pick<UseCaseDeps, 'store'> & ClockDeps,
  { project, page, stale }: { project: string; page?: PageRequest; stale?: boolean | undefined },
): Promise<Page<ClusterView>> {
  const clock = readStalenessClock(deps);
  const filter = stale === undefined ? {} : { stale: { stale, cutoff: computeStaleCutoff(clock) } };
  const found = await deps.store.clusters.list(project, page, filter);
  return { ...found, items: found.items.map((cluster) => viewCluster(cluster, clock)) };
}

export async function getCluster(
  deps: Pick<UseCaseDeps, 'store'> & ClockDeps,
  { project, name }: { project: string; name: string },
): Promise<ClusterView> {
  return viewCluster(await deps.store.clusters.get(project, name), readStalenessClock(deps));
}
