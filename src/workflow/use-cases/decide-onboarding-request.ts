/**
 * Deciding an onboarding request of the lobby. Approving registers the machine as a host, already approved, and
 * removes the request (the host is the record from then on); the machine's held enrollment then proceeds and
 * onboards it. Rejecting keeps the request as rejected, so the machine is refused whenever it enrolls again.
 */
import { approvedRegistration, type OnboardingRequest } from '../../domain/enrollment/onboarding-request.ts';
import { AppError } from '../../domain/errors.ts';
import { parseHostRegistration, type Host } from '../../domain/inventory/host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

type Deps = Pick<UseCaseDeps, 'store' | 'events'>;

function requirePending(request: OnboardingRequest, verb: 'approved' | 'rejected'): void {
  if (request.state !== 'pending')
    throw new AppError('InvalidState', `onboarding request ${request.id} is ${request.state}; only a pending request can be ${verb}`);
}

export async function approveOnboardingRequest(
  { store, events }: Deps,
  { project, id, name }: { project: string; id: string; name?: string | undefined },
): Promise<Host> {
  const decided = await store.transaction(async (tx) => {
    const request = await tx.onboardingRequests.get(project, id);
    requirePending(request, 'approved');
    const registered = await tx.hosts.register(project, parseHostRegistration(approvedRegistration(request, name)));
    await tx.onboardingRequests.delete(project, id);
    return tx.hosts.setState(project, registered.id, 'approved');
  });
  events.registered(project, decided);
  return decided;
}

export async function rejectOnboardingRequest(
  { store }: Deps,
  { project, id }: { project: string; id: string },
): Promise<OnboardingRequest> {
  return store.transaction(async (tx) => {
    requirePending(await tx.onboardingRequests.get(project, id), 'rejected');
    return tx.onboardingRequests.setState(project, id, 'rejected');
  });
}
