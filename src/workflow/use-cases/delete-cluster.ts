/**
 * Deleting a cluster. Normally it moves to `deleting`: its agents stop K3s and remove its state, and when every
 * node reported `removed` it is deleted and its hosts are provisioned again. With `deauthorize` its hosts are
 * deauthorized instead (a change of hosts: the role needs hosts:write too). Forced, or stale (no agent ever came
 * to it), it is removed at once and each host owes a cleanup its agent does when it returns. A cluster of the capi
 * driver is deleted by that driver, from its management cluster.
 */
import { AppError } from '../../domain/errors.ts';
import { computeClusterStaleness } from '../../domain/inventory/cluster-staleness.ts';
import { reasonCodes } from '../../domain/reasons.ts';
import { isAllowed, type Role } from '../../domain/roles.ts';
import { readStalenessClock, viewCluster, type ClusterView } from './list-clusters.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type ClusterDeletion = { kind: 'deleted' } | { kind: 'deleting'; cluster: ClusterView };

export async function deleteCluster(
  deps: Pick<UseCaseDeps, 'store' | 'events' | 'clusterDriver' | 'staleClusterAfterMs' | 'now'>,
  {
    project,
    name,
    force,
    deauthorize = false,
    role = 'admin',
  }: { project: string; name: string; force: boolean; deauthorize?: boolean; role?: Role },
): Promise<ClusterDeletion> {
  const { store, events, clusterDriver } = deps;
  if (deauthorize && !isAllowed(role, 'hosts:write'))
    throw new AppError(
      'Forbidden',
      `deleting cluster ${name} with deauthorize=true deauthorizes its hosts: role ${role} needs hosts:write as well`,
      { reason: reasonCodes.RoleNotAllowed },
    );
  const clock = readStalenessClock(deps);
  const found = await store.clusters.get(project, name);
  if (found.driver === 'capi' && clusterDriver) {
    const deletion = await clusterDriver.deleteCluster(found, { force });
    return deletion.kind === 'deleted' ? deletion : { kind: 'deleting', cluster: viewCluster(deletion.cluster, clock) };
  }
  const { cluster, deletion } = await store.transaction(async (tx) => {
    const cluster = await tx.clusters.get(project, name);
    if (deauthorize) for (const node of cluster.nodes) await tx.hosts.setState(project, node.hostId, 'deauthorized');
    if (force || computeClusterStaleness(cluster, clock).stale) {
      for (const node of cluster.nodes) await tx.clusters.recordCleanup(project, node.hostId, name);
      await tx.clusters.delete(project, name);
      return { cluster, deletion: { kind: 'deleted' } as const };
    }
    const deleting = await tx.clusters.update(project, name, {
      phase: 'deleting',
      message: deauthorize ? 'waiting for the agents to remove K3s; the hosts are deauthorized' : 'waiting for the agents to remove K3s',
    });
    return { cluster, deletion: { kind: 'deleting', cluster: viewCluster(deleting, clock) } as const };
  });
  for (const node of cluster.nodes) events.changed(project, node.hostId);
  return deletion;
}
