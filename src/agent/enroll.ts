/**
 * Enrollment: the agent trades the project's enrollment token and its machine identity for a per-host
 * credential once, keeps it in its state directory (0600) with the server's CA, which it pins from then on, and
 * uses only the credential, renewing it before it expires.
 */
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { arch, hostname, release } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../system/write-file-atomic.ts';
import type { HostIdentity } from './identity.ts';
import type { SouthboundClient } from './southbound-client.ts';

export const CREDENTIAL_FILE = 'credential.json';

/** What enrollment gave this host; `credential` is a secret. */
export interface HostCredential {
  /** The orchestrator it was issued by: a credential is used with that server only. */
  serverUrl: string;
  project: string;
  hostId: string;
  hostName: string;
  credential: string;
  /** The CA (PEM) the server's certificate chains to, pinned; null over insecure plain HTTP. */
  caCertificate: string | null;
  /** When the agent got the credential and when it expires (ISO); null for one stored before credentials expired. */
  issuedAt: string | null;
  expiresAt: string | null;
}

/** At this fraction of a credential's life the agent renews it (Flight Control renews certificates at about 75%). */
export const RENEW_AT_FRACTION = 0.75;

/** When (epoch ms) the credential is due for renewal: at once when its expiry is unknown. */
export function renewalDueAt({ issuedAt, expiresAt }: Pick<HostCredential, 'issuedAt' | 'expiresAt'>): number {
  if (issuedAt === null || expiresAt === null) return 0;
  const issued = Date.parse(issuedAt);
  return issued + (Date.parse(expiresAt) - issued) * RENEW_AT_FRACTION;
}

/** The stored credential for `serverUrl`, or null when there is none (or it was issued by another server). */
export async function loadCredential(stateDir: string, serverUrl: string): Promise<HostCredential | null> {
  const text = await readFile(join(stateDir, CREDENTIAL_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const stored = JSON.parse(text) as Partial<HostCredential>;
    const complete = ['serverUrl', 'project', 'hostId', 'hostName', 'credential'].every(
      (k) => typeof stored[k as keyof HostCredential] === 'string',
    );
    if (!complete || stored.serverUrl !== serverUrl) return null;
    const optional = (key: 'caCertificate' | 'issuedAt' | 'expiresAt'): string | null =>
      typeof stored[key] === 'string' ? stored[key] : null;
    return {
      ...(stored as HostCredential),
      caCertificate: optional('caCertificate'),
      issuedAt: optional('issuedAt'),
      expiresAt: optional('expiresAt'),
    };
  } catch {
    return null;
  }
}

/** Writes the credential 0600 into a 0700 state directory, through a temporary file and a rename. */
export async function saveCredential(stateDir: string, credential: HostCredential): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await chmod(stateDir, 0o700);
  await writeFileAtomic(join(stateDir, CREDENTIAL_FILE), `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600 });
}

/** Forgets the credential (the server no longer accepts it). */
export async function forgetCredential(stateDir: string): Promise<void> {
  await rm(join(stateDir, CREDENTIAL_FILE), { force: true });
}

/** Enrolls with the server and stores the credential. Errors are the client's SouthboundError (404: not registered yet, 403: deauthorized). */
export async function enrollHost({
  client,
  stateDir,
  enrollToken,
  identity,
  waitSeconds = 0,
  signal,
  now = Date.now,
}: {
  client: SouthboundClient;
  stateDir: string;
  enrollToken: string;
  identity: HostIdentity;
  /** How long the server may wait for the host's registration before answering 404. */
  waitSeconds?: number;
  signal?: AbortSignal;
  now?: () => number;
}): Promise<HostCredential> {
  const answer = await client.enroll(
    {
      enrollmentToken: enrollToken,
      ...(waitSeconds > 0 ? { waitSeconds } : {}),
      ...(identity.uuid !== null ? { uuid: identity.uuid } : {}),
      ...(identity.serial !== null ? { serial: identity.serial } : {}),
      // Shown to onboarding managers when the machine is not registered and waits in the onboarding lobby.
      facts: { hostname: hostname(), kernel: release(), arch: arch() },
    },
    signal,
  );
  const credential: HostCredential = {
    serverUrl: client.serverUrl,
    project: answer.project,
    hostId: answer.hostId,
    hostName: answer.hostName,
    credential: answer.credential,
    caCertificate: answer.caCertificate,
    issuedAt: new Date(now()).toISOString(),
    expiresAt: answer.credentialExpiresAt,
  };
  await saveCredential(stateDir, credential);
  if (credential.caCertificate) client.pinCertificateAuthority(credential.caCertificate);
  return credential;
}

/** Trades `current` for a new credential (the old one stops working) and stores it. */
export async function renewCredential({
  client,
  stateDir,
  current,
  signal,
  now = Date.now,
}: {
  client: SouthboundClient;
  stateDir: string;
  current: HostCredential;
  signal?: AbortSignal;
  now?: () => number;
}): Promise<HostCredential> {
  const answer = await client.renew(current.credential, signal);
  const renewed: HostCredential = {
    ...current,
    credential: answer.credential,
    // A server that was given new certificates hands out its new CA with the credential.
    caCertificate: answer.caCertificate ?? current.caCertificate,
    issuedAt: new Date(now()).toISOString(),
    expiresAt: answer.credentialExpiresAt,
  };
  await saveCredential(stateDir, renewed);
  if (renewed.caCertificate) client.pinCertificateAuthority(renewed.caCertificate);
  return renewed;
}
