/** Changing a host's name, site or labels. */
import type { Host, HostUpdate } from '../../domain/inventory/host.ts';
import { requireHostChangeAllowed, type Role } from '../../domain/roles.ts';
import { findHostCluster } from './find-host-cluster.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/**
 * Applies `update` to the host named by id or name; its agent is woken, as its desired state names the host.
 * Renaming a cluster node changes its install plan, so it needs a role that may change clusters.
 */
export async function updateHost(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, host: idOrName, update, role }: { project: string; host: string; update: HostUpdate; role: Role },
): Promise<Host> {
  const host = await resolveHost(deps, project, idOrName);
  const change = update.name !== undefined && update.name !== host.name ? 'rename' : 'update-labels';
  requireHostChangeAllowed(role, change, { host: host.name, cluster: await findHostCluster(deps.store, project, host.id) });
  const updated = await deps.store.hosts.update(project, host.id, update);
  deps.events.changed(project, host.id);
  return updated;
}
