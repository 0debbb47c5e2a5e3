/**
 * Deleting a cluster. Normally it moves to `deleting`: its agents stop K3s and remove its state, and the last
 * report of `removed` deletes it. Forced, or stale (no agent ever came to it), it is removed at once; agents
 * clean up when they next pull. A cluster of the capi driver is deleted by that driver, from its management cluster.
 */
import { computeClusterStaleness } from '../../domain/inventory/cluster-staleness.ts';
import { readStalenessClock, viewCluster, type ClusterView } from './list-clusters.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type ClusterDeletion = { kind: 'deleted' } | { kind: 'deleting'; cluster: ClusterView };

export async function deleteCluster(
  deps: Pick<UseCaseDeps, 'store' | 'events' | 'clusterDriver' | 'staleClusterAfterMs' | 'now'>,
  { project, name, force }: { project: string; name: string; force: boolean },
): Promise<ClusterDeletion> {
  const { store, events, clusterDriver } = deps;
  const cluster = await store.clusters.get(project, name);
  const clock = readStalenessClock(deps);
  if (cluster.driver === 'capi' && clusterDriver) {
    const deletion = await clusterDriver.deleteCluster(cluster, { force });
    return deletion.kind === 'deleted' ? deletion : { kind: 'deleting', cluster: viewCluster(deletion.cluster, clock) };
  }
  let deletion: ClusterDeletion = { kind: 'deleted' };
  if (force || computeClusterStaleness(cluster, clock).stale) await store.clusters.delete(project, name);
  else {
    const deleting = await store.clusters.update(project, name, { phase: 'deleting', message: 'waiting for the agents to remove K3s' });
    deletion = { kind: 'deleting', cluster: viewCluster(deleting, clock) };
  }
  for (const node of cluster.nodes) events.changed(project, node.hostId);
  return deletion;
}
