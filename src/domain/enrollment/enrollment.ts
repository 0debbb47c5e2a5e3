/**
 * Enrollment rules (pure): which enrollment tokens still work, which registered host an agent's identity names,
 * and what an enrollment does to that host. A host that has a credential is never enrolled again by token: only
 * a reset by a role that may do it lets its agent enroll anew, so holding a token never takes over a host.
 */
import { AppError, invalidField } from '../errors.ts';
import type { Host, HostRegistration } from '../inventory/host.ts';
import { reasonCodes } from '../reasons.ts';

/** A project's enrollment token, without its secret (only a hash of it is stored). */
export interface EnrollmentToken {
  id: string;
  project: string;
  name: string;
  createdAt: string;
  /** Null: it does not expire. */
  expiresAt: string | null;
  /** Null: any number of hosts may enroll with it. */
  maxUses: number | null;
  /** Hosts that got a credential with it. */
  uses: number;
}

/** Why a stored token no longer enrolls anyone, as an Unauthenticated error; null when it still works. */
export function computeTokenRefusal(token: Pick<EnrollmentToken, 'name' | 'expiresAt' | 'maxUses' | 'uses'>, now: Date): AppError | null {
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime())
    return new AppError('Unauthenticated', `the enrollment token expired at ${token.expiresAt}`, {
      reason: reasonCodes.EnrollmentTokenExpired,
    });
  if (token.maxUses !== null && token.uses >= token.maxUses)
    return new AppError('Unauthenticated', `the enrollment token was used for ${token.maxUses} enrollment(s), all it allows`, {
      reason: reasonCodes.EnrollmentTokenUsedUp,
    });
  return null;
}

/**
 * Whether an agent's identity names this host: every identity value the host is registered with must be sent and
 * equal, so a host with both uuid and serial is matched only by both.
 */
export function matchesIdentity(host: Pick<Host, 'uuid' | 'serial'>, identity: Pick<HostRegistration, 'uuid' | 'serial'>): boolean {
  const uuidMatches = host.uuid === null || host.uuid === identity.uuid;
  const serialMatches = host.serial === null || host.serial === identity.serial;
  return uuidMatches && serialMatches;
}

/** What an enrollment of a registered host does: give it a credential, or let it wait for approval. */
export type EnrollmentDecision = { kind: 'issue-credential' } | { kind: 'await-approval' };

/** The decision for `host`, or the error that refuses the enrollment. */
export function computeEnrollmentDecision({
  host,
  hasCredential,
  autoOnboard,
}: {
  host: Pick<Host, 'name' | 'state'>;
  /** The host already holds a credential (its agent enrolled before, and no one reset it since). */
  hasCredential: boolean;
  /** The host's own setting, else its project's. */
  autoOnboard: boolean;
}): EnrollmentDecision {
  if (host.state === 'deauthorized') throw new AppError('Forbidden', `host ${host.name} is deauthorized and may not enroll`);
  if (hasCredential)
    throw new AppError(
      'InvalidState',
      `host ${host.name} is already enrolled; an enrollment token cannot enroll it again until its credential is reset (edge-orch host reset-credential ${host.name})`,
      { reason: reasonCodes.HostAlreadyEnrolled },
    );
  if (host.state === 'registered' && !autoOnboard) return { kind: 'await-approval' };
  if (host.state === 'awaiting-approval') return { kind: 'await-approval' };
  return { kind: 'issue-credential' };
}

/** The answer an agent gets while its host waits in the lobby: it asks again until an onboarding manager decides. */
export function awaitingApproval(host: Pick<Host, 'name'>): AppError {
  return new AppError(
    'Forbidden',
    `host ${host.name} waits for an onboarding manager's approval (edge-orch host approve ${host.name}); ask again later`,
    { reason: reasonCodes.AwaitingApproval },
  );
}

/** The longest an enrollment or API token may live: longer-lived secrets should be revoked and made anew. */
export const MAX_TOKEN_LIFETIME_DAYS = 3650;

/**
 * A token's expiry as given by a user: an ISO 8601 date-time with a time zone, in the future and within
 * MAX_TOKEN_LIFETIME_DAYS; null when not given.
 */
export function parseExpiresAt(value: string | undefined, now: Date, field = 'expiresAt'): string | null {
  if (value === undefined) return null;
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time))
    throw invalidField(
      field,
      `${field} ${JSON.stringify(value)} is not a date-time; expected ISO 8601 with a time zone, like 2030-01-31T12:00:00Z`,
    );
  if (time <= now.getTime()) throw invalidField(field, `${field} ${value} is not in the future`);
  if (time > now.getTime() + MAX_TOKEN_LIFETIME_DAYS * 86_400_000)
    throw invalidField(field, `${field} ${value} is more than ${MAX_TOKEN_LIFETIME_DAYS} days away`);
  return new Date(time).toISOString();
}
