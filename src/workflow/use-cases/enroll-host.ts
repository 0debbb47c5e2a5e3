/**
 * Enrollment: an agent trades its project's enrollment token and its machine identity for a credential of its
 * own. Agents often start before their host is registered, so the enrollment may wait for the registration.
 * Only a registered host that has no credential enrolls (see domain/enrollment), and when its onboarding needs
 * approval it waits in the lobby (state awaiting-approval) until an onboarding manager approves or rejects it.
 * A machine that matches no registered host, in a project whose hosts wait for approval, waits in the lobby as an
 * onboarding request; its enrollment is held, so approving the request (which registers the host) lets it proceed.
 */
import { awaitingApproval, computeEnrollmentDecision, computeTokenRefusal, matchesIdentity } from '../../domain/enrollment/enrollment.ts';
import type { EnrollmentToken } from '../../domain/enrollment/enrollment.ts';
import {
  awaitingLobbyApproval,
  cleanMachineFacts,
  DEFAULT_LOBBY_CAPACITY,
  onboardingRejected,
  type OnboardingRequest,
} from '../../domain/enrollment/onboarding-request.ts';
import { AppError } from '../../domain/errors.ts';
import { parseHostRegistration, type Host, type HostRegistration } from '../../domain/inventory/host.ts';
import { reasonCodes } from '../../domain/reasons.ts';
import type { Store } from '../../store/store.ts';
import { readUntil } from '../read-until.ts';
import { hashTokenSecret } from '../token-secret.ts';
import { createHostCredential } from './renew-host-credential.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** How often a waiting enrollment re-reads the store, to see registrations made by other replicas. */
export const ENROLL_RECHECK_MS = 5_000;

export interface EnrollmentRequest {
  enrollmentToken: string;
  uuid?: string | undefined;
  serial?: string | undefined;
  /** What the machine reports about itself (kept, cleaned, when it waits in the onboarding lobby). */
  facts?: Record<string, unknown> | undefined;
  /** How long to wait for the host's registration before answering NotFound. */
  waitMs: number;
  /** Ends the wait early (server closing, agent gone). */
  signal?: AbortSignal;
  /** Told which token the request used as soon as it is known, so a refused enrollment is still attributed. */
  onToken?: (token: EnrollmentToken) => void;
}

export interface Enrollment {
  host: Host;
  /** The new host credential; only its hash is stored. */
  credential: string;
  /** When the credential stops working (ISO); the agent renews it before. */
  expiresAt: string;
}

export async function enrollHost(
  {
    store,
    events,
    agentTrust,
    lobbyCapacity = DEFAULT_LOBBY_CAPACITY,
  }: Pick<UseCaseDeps, 'store' | 'events' | 'agentTrust' | 'lobbyCapacity'>,
  { enrollmentToken, uuid, serial, facts, waitMs, signal, onToken }: EnrollmentRequest,
): Promise<Enrollment> {
  const token = await store.agents.findEnrollmentToken(hashTokenSecret(enrollmentToken));
  if (!token) throw new AppError('Unauthenticated', 'the enrollment token is not valid');
  onToken?.(token);
  const refusal = computeTokenRefusal(token, new Date());
  if (refusal) throw refusal;
  const identity = parseHostRegistration({ uuid, serial });
  const known = await findMatchingHost(store, token.project, identity);
  const lobbyRequest = known
    ? null
    : await enterLobby(store, token, { uuid: identity.uuid, serial: identity.serial, facts: cleanMachineFacts(facts) }, lobbyCapacity);
  const host =
    known ??
    (await readUntil<Host | null>({
      read: () => findMatchingHost(store, token.project, identity),
      settled: (found) => found !== null,
      wake: (timeoutMs, wakeSignal) => events.waitForRegistration(token.project, identity, timeoutMs, wakeSignal),
      waitMs,
      recheckMs: ENROLL_RECHECK_MS,
      ...(signal ? { signal } : {}),
    }));
  if (!host && lobbyRequest) {
    const current = (await store.onboardingRequests.findByMachine(token.project, identity)) ?? lobbyRequest;
    throw current.state === 'rejected' ? onboardingRejected(current) : awaitingLobbyApproval(current);
  }
  if (!host) throw new AppError('NotFound', `${describeIdentity(identity)} is registered in project ${token.project}; register it first`);
  const { credential, expiresAt } = createHostCredential({ agentTrust });
  const enrolled = await store.transaction(async (tx) => {
    const current = await tx.hosts.get(host.project, host.id);
    const decision = computeEnrollmentDecision({
      host: current,
      hasCredential: await tx.agents.hasHostCredential(current.project, current.id),
      autoOnboard: current.autoOnboard ?? (await tx.projects.getAutoOnboard(current.project)),
    });
    if (decision.kind === 'await-approval') {
      return current.state === 'awaiting-approval' ? current : tx.hosts.setState(current.project, current.id, 'awaiting-approval');
    }
    if (!(await tx.agents.useEnrollmentToken(token.id)))
      throw new AppError('Unauthenticated', 'the enrollment token was used up or revoked meanwhile', {
        reason: reasonCodes.EnrollmentTokenUsedUp,
      });
    await tx.agents.issueHostCredential(current.project, current.id, hashTokenSecret(credential), expiresAt);
    const onboarded = current.state === 'registered' || current.state === 'approved';
    return onboarded ? tx.hosts.setState(current.project, current.id, 'onboarded') : current;
  });
  events.changed(enrolled.project, enrolled.id);
  if (enrolled.state === 'awaiting-approval') throw awaitingApproval(enrolled);
  return { host: enrolled, credential, expiresAt };
}

/**
 * Puts an unknown machine in the onboarding lobby when its project's hosts wait for approval (null when they
 * onboard automatically: the machine must be registered first). A rejected machine is refused at once.
 */
async function enterLobby(
  store: Store,
  token: EnrollmentToken,
  machine: { uuid: string | null; serial: string | null; facts: OnboardingRequest['facts'] },
  capacity: number,
): Promise<OnboardingRequest | null> {
  if (await store.projects.getAutoOnboard(token.project)) return null;
  const request = await store.onboardingRequests.record(token.project, { ...machine, tokenId: token.id, tokenName: token.name }, capacity);
  if (request.state === 'rejected') throw onboardingRejected(request);
  return request;
}

/** The host the identity names: one registered with the uuid, else with the serial, if every value it has matches. */
async function findMatchingHost(
  store: Store,
  project: string,
  { uuid, serial }: Pick<HostRegistration, 'uuid' | 'serial'>,
): Promise<Host | null> {
  for (const lookup of [
    { uuid, serial: null },
    { uuid: null, serial },
  ]) {
    const found = await store.hosts.findByIdentity(project, lookup);
    if (found && matchesIdentity(found, { uuid, serial })) return found;
  }
  return null;
}

function describeIdentity({ uuid, serial }: Pick<HostRegistration, 'uuid' | 'serial'>): string {
  return `no host with ${[uuid && `uuid ${uuid}`, serial && `serial ${serial}`].filter(Boolean).join(' and ')}`;
}
