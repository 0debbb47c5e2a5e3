/**
 * Enrollment: an agent trades its project's enrollment token and its machine identity for a credential of its
 * own. Agents often start before their host is registered, so the enrollment may wait for the registration.
 */
import { AppError } from '../../domain/errors.ts';
import { parseHostRegistration, type Host, type HostRegistration } from '../../domain/inventory/host.ts';
import { readUntil } from '../read-until.ts';
import { hashTokenSecret } from '../token-secret.ts';
import { issueHostCredential } from './issue-host-credential.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** How often a waiting enrollment re-reads the store, to see registrations made by other replicas. */
export const ENROLL_RECHECK_MS = 5_000;

export interface EnrollmentRequest {
  enrollmentToken: string;
  uuid?: string | undefined;
  serial?: string | undefined;
  /** How long to wait for the host's registration before answering NotFound. */
  waitMs: number;
  /** Ends the wait early (server closing, agent gone). */
  signal?: AbortSignal;
}

export interface Enrollment {
  host: Host;
  /** The new host credential; only its hash is stored. */
  credential: string;
  /** When the credential stops working (ISO); the agent renews it before. */
  expiresAt: string;
}

export async function enrollHost(
  { store, events, agentTrust }: Pick<UseCaseDeps, 'store' | 'events' | 'agentTrust'>,
  { enrollmentToken, uuid, serial, waitMs, signal }: EnrollmentRequest,
): Promise<Enrollment> {
  const token = await store.agents.findEnrollmentToken(hashTokenSecret(enrollmentToken));
  if (!token) throw new AppError('Unauthenticated', 'the enrollment token is not valid');
  const identity = parseHostRegistration({ uuid, serial });
  const host = await readUntil<Host | null>({
    read: () => store.hosts.findByIdentity(token.project, identity),
    settled: (found) => found !== null,
    wake: (timeoutMs, wakeSignal) => events.waitForRegistration(token.project, timeoutMs, wakeSignal),
    waitMs,
    recheckMs: ENROLL_RECHECK_MS,
    ...(signal ? { signal } : {}),
  });
  if (!host) throw new AppError('NotFound', `${describeIdentity(identity)} is registered in project ${token.project}; register it first`);
  if (host.state === 'deauthorized') throw new AppError('Forbidden', `host ${host.name} is deauthorized and may not enroll`);
  const { credential, expiresAt } = await issueHostCredential({ store, agentTrust }, host);
  if (host.state === 'registered') await store.hosts.setState(host.project, host.id, 'onboarded');
  events.changed(host.project, host.id);
  return { host, credential, expiresAt };
}

function describeIdentity({ uuid, serial }: Pick<HostRegistration, 'uuid' | 'serial'>): string {
  return `no host with ${[uuid && `uuid ${uuid}`, serial && `serial ${serial}`].filter(Boolean).join(' or ')}`;
}
