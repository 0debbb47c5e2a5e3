/**
 * Resetting a host's credential: the agent holding it is refused from now on, and the next agent to enroll with
 * the host's identity and a valid enrollment token gets a new one (a replaced disk or board, a lost state
 * directory). Enrollment never does this by itself; a cluster node's reset needs a role that may change clusters,
 * as the new machine receives the node's place in the cluster.
 */
import { AppError } from '../../domain/errors.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { requireHostChangeAllowed, type Role } from '../../domain/roles.ts';
import { findHostCluster } from './find-host-cluster.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function resetHostCredential(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, host: idOrName, role }: { project: string; host: string; role: Role },
): Promise<Host> {
  const host = await resolveHost(deps, project, idOrName);
  if (host.state === 'deauthorized') throw new AppError('InvalidState', `host ${host.name} is deauthorized; it may not enroll again`);
  requireHostChangeAllowed(role, 'reset-credential', { host: host.name, cluster: await findHostCluster(deps.store, project, host.id) });
  if (!(await deps.store.agents.deleteHostCredential(project, host.id)))
    throw new AppError('InvalidState', `host ${host.name} has no credential to reset; its agent can enroll with an enrollment token`);
  deps.events.changed(project, host.id);
  return host;
}
