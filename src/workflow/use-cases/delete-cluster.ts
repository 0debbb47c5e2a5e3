/**
 * Deleting a cluster. Normally it moves to `deleting`: its agents stop K3s and remove its state, and the last
 * report of `removed` deletes it. Forced, it is removed at once; agents clean up when they next pull. A cluster
 * of the capi driver is deleted by that driver, from its management cluster.
 */
import type { ClusterDeletion } from '../cluster-driver.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function deleteCluster(
  { store, events, clusterDriver }: Pick<UseCaseDeps, 'store' | 'events' | 'clusterDriver'>,
  { project, name, force }: { project: string; name: string; force: boolean },
): Promise<ClusterDeletion> {
  const cluster = await store.clusters.get(project, name);
  if (cluster.driver === 'capi' && clusterDriver) return clusterDriver.deleteCluster(cluster, { force });
  let deletion: ClusterDeletion = { kind: 'deleted' };
  if (force) await store.clusters.delete(project, name);
  else {
    const deleting = await store.clusters.update(project, name, { phase: 'deleting', message: 'waiting for the agents to remove K3s' });
    deletion = { kind: 'deleting', cluster: deleting };
  }
  for (const node of cluster.nodes) events.changed(project, node.hostId);
  return deletion;
}
