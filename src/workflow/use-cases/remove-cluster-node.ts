/**
 * A node leaving its cluster on request (computeNodeRemoval decides whether it may): its host owes a K3s cleanup,
 * which its agent does when it next pulls, and then returns to provisioned.
 */
import { AppError } from '../../domain/errors.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import { computeNodeRemoval } from '../../domain/inventory/node-removal.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function removeClusterNode(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, name, host: idOrName }: { project: string; name: string; host: string },
): Promise<Cluster> {
  const host = await resolveHost(deps, project, idOrName);
  const { cluster, notify } = await deps.store.transaction(async (tx) => {
    const before = await tx.clusters.get(project, name);
    // A rolling upgrade would wait for the node; a stopped one drops its step when resumed.
    if (before.upgrade?.state === 'rolling')
      throw new AppError(
        'InvalidState',
        `cluster ${name} is upgrading to K3s ${before.upgrade.kubernetesVersion}; remove nodes when the upgrade is done or stopped`,
        { reason: 'UpgradeInProgress' },
      );
    const nodes = computeNodeRemoval(before, host.id, host.name);
    await tx.clusters.recordCleanup(project, host.id, name);
    const after = await tx.clusters.update(project, name, { nodes, message: `host ${host.name} left` });
    return { cluster: after, notify: before.nodes.map((n) => n.hostId) };
  });
  for (const hostId of notify) deps.events.changed(project, hostId);
  return cluster;
}
