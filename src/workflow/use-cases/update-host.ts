/** Changing a host's name, site or labels. */
import type { Host, HostUpdate } from '../../domain/inventory/host.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** Applies `update` to the host named by id or name; its agent is woken, as its desired state names the host. */
export async function updateHost(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, host: idOrName, update }: { project: string; host: string; update: HostUpdate },
): Promise<Host> {
  const host = await resolveHost(deps, project, idOrName);
  const updated = await deps.store.hosts.update(project, host.id, update);
  deps.events.changed(project, host.id);
  return updated;
}
