/**
 * Deauthorizing a host: it may not enroll again, and its cluster follows (computeDeauthorizeEffect decides how),
 * all in one transaction. Its agent is woken to remove K3s. A host that is a cluster node is deauthorized only by
 * a role that may also change clusters (roles.ts, computeHostChangePermissions).
 */
import { removeFromRollout } from '../../domain/compatibility/upgrade-rollout.ts';
import { computeDeauthorizeEffect } from '../../domain/inventory/deauthorize.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { requireHostChangeAllowed, type Role } from '../../domain/roles.ts';
import { findHostCluster } from './find-host-cluster.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function deauthorizeHost(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, host: idOrName, role }: { project: string; host: string; role: Role },
): Promise<Host> {
  const host = await resolveHost(deps, project, idOrName);
  const deauthorized = await deps.store.transaction(async (tx) => {
    requireHostChangeAllowed(role, 'deauthorize', { host: host.name, cluster: await findHostCluster(tx, project, host.id) });
    const effect = computeDeauthorizeEffect(await tx.clusters.findByHost(project, host.id), host.id);
    if (effect.kind === 'delete-cluster')
      await tx.clusters.update(project, effect.cluster, { phase: 'deleting', message: `host ${host.name} was deauthorized` });
    if (effect.kind === 'remove-node') {
      // No longer a node, it still has to remove K3s, and may report about the cluster it left until it has.
      await tx.clusters.recordCleanup(project, host.id, effect.cluster);
      const { upgrade } = await tx.clusters.get(project, effect.cluster);
      await tx.clusters.update(project, effect.cluster, {
        nodes: effect.nodes,
        message: `host ${host.name} left: deauthorized`,
        ...(upgrade ? { upgrade: removeFromRollout(upgrade, host.id, host.name, new Date().toISOString()) } : {}),
      });
    }
    return tx.hosts.setState(project, host.id, 'deauthorized');
  });
  deps.events.changed(project, host.id);
  return deauthorized;
}
