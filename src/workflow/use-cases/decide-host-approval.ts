/**
 * The onboarding lobby: a host whose agent enrolled while its onboarding needs approval waits in state
 * awaiting-approval. Approving lets its agent's next enrollment onboard it; rejecting deauthorizes it, so the
 * machine stays refused (deleting the host and registering it again starts over).
 */
import { AppError } from '../../domain/errors.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type ApprovalDecision = 'approve' | 'reject';

export async function decideHostApproval(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, host: idOrName, decision }: { project: string; host: string; decision: ApprovalDecision },
): Promise<Host> {
  const host = await resolveHost(deps, project, idOrName);
  if (host.state !== 'awaiting-approval')
    throw new AppError(
      'InvalidState',
      `host ${host.name} is ${host.state}, not awaiting approval; only a host whose agent asked to enroll can be ${decision === 'approve' ? 'approved' : 'rejected'}`,
    );
  const decided = await deps.store.hosts.setState(project, host.id, decision === 'approve' ? 'approved' : 'deauthorized');
  deps.events.changed(project, host.id);
  return decided;
}
