/**
 * Deleting a cluster. Normally it moves to `deleting`: its agents stop K3s and remove its state, and when every
 * node reported `removed` it is deleted and its hosts are provisioned again. With `deauthorize` its hosts are
 * deauthorized instead (a change of hosts: the role needs hosts:write too). Forced, it is removed at once and
 * each host owes a cleanup its agent does when it returns.
 */
import { AppError } from '../../domain/errors.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import { reasonCodes } from '../../domain/reasons.ts';
import { isAllowed, type Role } from '../../domain/roles.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type ClusterDeletion = { kind: 'deleted' } | { kind: 'deleting'; cluster: Cluster };

export async function deleteCluster(
  { store, events }: Pick<UseCaseDeps, 'store' | 'events'>,
  {
    project,
    name,
    force,
    deauthorize = false,
    role = 'admin',
  }: { project: string; name: string; force: boolean; deauthorize?: boolean; role?: Role },
): Promise<ClusterDeletion> {
  if (deauthorize && !isAllowed(role, 'hosts:write'))
    throw new AppError(
      'Forbidden',
      `deleting cluster ${name} with deauthorize=true deauthorizes its hosts: role ${role} needs hosts:write as well`,
      {
        reason: reasonCodes.RoleNotAllowed,
      },
    );
  const { cluster, deletion } = await store.transaction(async (tx) => {
    const cluster = await tx.clusters.get(project, name);
    if (deauthorize) for (const node of cluster.nodes) await tx.hosts.setState(project, node.hostId, 'deauthorized');
    if (force) {
      for (const node of cluster.nodes) await tx.clusters.recordCleanup(project, node.hostId, name);
      await tx.clusters.delete(project, name);
      return { cluster, deletion: { kind: 'deleted' } as const };
    }
    const deleting = await tx.clusters.update(project, name, {
      phase: 'deleting',
      message: deauthorize ? 'waiting for the agents to remove K3s; the hosts are deauthorized' : 'waiting for the agents to remove K3s',
    });
    return { cluster, deletion: { kind: 'deleting', cluster: deleting } as const };
  });
  for (const node of cluster.nodes) events.changed(project, node.hostId);
  return deletion;
}
