/**
 * The agent's loop: enroll once, then long-poll the host's desired state and reconcile the host against it,
 * reporting the image manifest and the cluster's phase. Network errors and 5xx are retried with exponential
 * backoff and jitter, so the agent rides out server restarts and dropped links; a 401 makes it enroll again.
 * The credential is renewed at about 75% of its life, and every install plan is checked before it runs
 * (check-install-plan.ts).
 */
import type { OsType } from '../domain/inventory/os-profile.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { SYSTEM_CLOCK, type AgentClock } from './agent-clock.ts';
import { computeBackoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { cleanupK3s } from './cleanup.ts';
import { pollDesiredState } from './desired-state-poll.ts';
import { checkInstallPlan } from './check-install-plan.ts';
import { enrollHost, forgetCredential, loadCredential, renewalDueAt, renewCredential, type HostCredential } from './enroll.ts';
import type { HostIdentity } from './identity.ts';
import { manifestOsType, readImageManifest, type ReportedManifest } from './host-manifest.ts';
import { createHostReconciler, type ClusterReport, type HostOperations } from './reconcile-host.ts';
import { readInstallRecord } from './install-record.ts';
import { runOsUpdate } from './run-os-update.ts';
import { runInstall, type RunInstallOptions } from './run-install.ts';
import { isSouthboundError, SouthboundError, type SouthboundClient } from './southbound-client.ts';

export interface AgentLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AgentOptions {
  client: SouthboundClient;
  enrollToken: string;
  identity: HostIdentity;
  /** Where the credential is kept (created 0700). */
  stateDir: string;
  /** The image manifest to report (re-read before every report). */
  manifestPath: string;
  /** The address the host is reached at; the kubeconfig the agent reports points there. */
  hostAddress: string;
  /** One round (enroll, one desired state without waiting, act on it) and return. */
  once?: boolean;
  signal?: AbortSignal;
  log: AgentLogger;
  /** Long-poll wait per request. */
  waitSeconds?: number;
  /** Retrying network errors and 5xx. */
  backoff?: BackoffPolicy;
  /** Retrying enrollment while the host is not registered yet (404) or deauthorized (403). */
  enrollBackoff?: BackoffPolicy;
  installTimeouts?: RunInstallOptions['timeouts'];
  /** The artifact mirror downloads may come from (--mirror-url); null or absent: K3s's upstream URLs only. */
  mirrorUrl?: string | null;
  /** Why an install plan cannot run here (emulated hosts), besides the agent's own checks; see domain/bootstrap/host-root.ts. */
  checkPlan?: (plan: InstallPlan) => string | null;
  /** What the loop reads the time from and waits on; the machine's by default. */
  clock?: AgentClock;
  /** Replaces what acts on the host (tests); reporting always goes through the client. */
  host?: Pick<HostOperations, 'install' | 'cleanup' | 'readInstallRecord'> & Partial<Pick<HostOperations, 'updateOs'>>;
}

export interface AgentRunResult {
  /** The last desired state's revision the agent acted on. */
  revision: string | undefined;
  /** `once` only: whether the round's work succeeded. */
  ok: boolean;
}

const ENROLL_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 10_000 };

/** Runs until `signal` aborts (then resolves), or one round with `once`. Fails only when enrollment cannot ever work. */
export async function runAgent(options: AgentOptions): Promise<AgentRunResult> {
  const {
    client,
    stateDir,
    manifestPath,
    hostAddress,
    once = false,
    signal,
    log,
    waitSeconds = 25,
    backoff = DEFAULT_BACKOFF,
    installTimeouts,
    clock = SYSTEM_CLOCK,
  } = options;
  let credential: HostCredential | null = await loadCredential(stateDir, client.serverUrl);
  if (credential?.caCertificate) client.pinCertificateAuthority(credential.caCertificate);
  let manifest: ReportedManifest | null = null;
  let roundOk = true;

  async function readManifest(): Promise<ReportedManifest | null> {
    try {
      manifest = await readImageManifest(manifestPath);
    } catch (error) {
      log.warn({ path: manifestPath, error: (error as Error).message }, 'the image manifest cannot be read; reporting none');
      manifest = null;
    }
    return manifest;
  }

  /** Calls `fn` with the credential; enrolls first when there is none, again after a 401; retries transient errors. */
  async function withCredential<T>(what: string, fn: (secret: string) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      credential ??= await enroll(options, log);
      try {
        return await fn(credential.credential);
      } catch (error) {
        if (signal?.aborted || !isSouthboundError(error)) throw error;
        if (error.status === 401) {
          log.warn({ host: credential.hostName }, "the server no longer accepts this host's credential; enrolling again");
          await forgetCredential(stateDir);
          credential = null;
        } else if (!error.retryable || (once && attempt >= 4)) {
          throw error;
        } else {
          log.warn({ attempt, error: error.message }, `${what} failed; retrying`);
        }
        await clock.sleep(computeBackoffDelay(attempt, backoff), signal);
      }
    }
  }

  /** Renews the credential once it is due; a failure leaves the current one in use until the next round. */
  async function renewIfDue(): Promise<void> {
    if (!credential || clock.now() < renewalDueAt(credential)) return;
    try {
      credential = await renewCredential({ client, stateDir, current: credential, now: clock.now, ...(signal ? { signal } : {}) });
      log.info({ host: credential.hostName, expiresAt: credential.expiresAt }, 'host credential renewed');
    } catch (error) {
      if (signal?.aborted || !isSouthboundError(error)) throw error;
      if (error.status === 401) {
        log.warn({ host: credential.hostName }, 'the server no longer accepts this host credential; enrolling again');
        await forgetCredential(stateDir);
        credential = null;
      } else {
        log.warn({ error: error.message }, 'renewing the host credential failed; trying again later');
      }
    }
  }

  const checkPlan = (plan: InstallPlan): string | null =>
    checkInstallPlan(plan, { mirrorUrl: options.mirrorUrl ?? null, manifest }) ?? options.checkPlan?.(plan) ?? null;

  const ops: HostOperations = {
    async report(cluster: ClusterReport | null) {
      const body = { manifest: await readManifest(), cluster: cluster ? { ...cluster, message: cluster.message.slice(0, 4000) } : null };
      if (cluster?.phase === 'failed') roundOk = false;
      try {
        await withCredential('reporting', (secret) => client.report(secret, body, signal));
      } catch (error) {
        if (signal?.aborted) throw error;
        log.error({ error: (error as Error).message, phase: cluster?.phase }, 'the server refused the report');
      }
    },
    install:
      options.host?.install ??
      ((plan, planRevision) => runInstall({ plan, planRevision, hostAddress, ...(installTimeouts ? { timeouts: installTimeouts } : {}) })),
    cleanup: options.host?.cleanup ?? ((osType: OsType) => cleanupK3s({ osType })),
    readInstallRecord: options.host?.readInstallRecord ?? (() => readInstallRecord()),
    osType: () => manifestOsType(manifest),
    osVersion: () => manifest?.image.version ?? null,
    checkPlan,
    updateOs: options.host?.updateOs ?? runOsUpdate,
  };
  const reconciler = createHostReconciler({ ops, log, now: clock.now });

  let revision: string | undefined;
  for (let failures = 0; !signal?.aborted;) {
    try {
      await readManifest();
      await renewIfDue();
      // Wake up in time for failed work's retry and for the credential's renewal.
      const wakeAt = Math.min(reconciler.retryAt() ?? Infinity, credential ? renewalDueAt(credential) : Infinity);
      const wait = once
        ? 0
        : wakeAt === Infinity
          ? waitSeconds
          : Math.max(0, Math.min(waitSeconds, Math.ceil((wakeAt - clock.now()) / 1000)));
      const desired = await withCredential('polling the desired state', (secret) =>
        pollDesiredState({ client, credential: secret, revision, waitSeconds: wait, signal }),
      );
      const revisionChanged = desired.revision !== revision;
      if (revisionChanged) log.info({ revision: desired.revision, action: desired.action.kind, host: desired.host.name }, 'desired state');
      revision = desired.revision;
      await reconciler.reconcile(desired, { revisionChanged });
      failures = 0;
      if (once) return { revision, ok: roundOk };
    } catch (error) {
      if (signal?.aborted) break;
      if (once || isFatal(error)) throw error;
      log.error({ error: (error as Error).message }, 'the agent loop failed; trying again');
      await clock.sleep(computeBackoffDelay(failures++, backoff), signal).catch(() => undefined);
    }
  }
  return { revision, ok: roundOk };
}

/** An enrollment token the server rejects will never work: the agent stops and says so. */
const isFatal = (error: unknown): boolean => isSouthboundError(error) && error.code === 'EnrollmentRejected';

/** Enrolls, waiting while the host is not registered yet (404) or deauthorized (403); a rejected token is fatal. */
async function enroll(
  {
    client,
    stateDir,
    enrollToken,
    identity,
    signal,
    once,
    waitSeconds = 25,
    enrollBackoff = ENROLL_BACKOFF,
    backoff = DEFAULT_BACKOFF,
    clock = SYSTEM_CLOCK,
  }: AgentOptions,
  log: AgentLogger,
): Promise<HostCredential> {
  log.info({ identity, waitSeconds: once ? 0 : waitSeconds }, 'enrolling');
  // Why the host waits is logged when it changes (not registered, in the onboarding lobby, rejected), not every try.
  let lastWait = '';
  for (let attempt = 0; ; attempt++) {
    try {
      // The server holds the request until the host is registered (or waitSeconds pass), so a host enrolls as soon as it is.
      const credential = await enrollHost({
        client,
        stateDir,
        enrollToken,
        identity,
        waitSeconds: once ? 0 : waitSeconds,
        now: clock.now,
        ...(signal ? { signal } : {}),
      });
      log.info({ host: credential.hostName, hostId: credential.hostId, project: credential.project }, 'enrolled');
      return credential;
    } catch (error) {
      if (signal?.aborted || !isSouthboundError(error)) throw error;
      if (error.status === 401) {
        throw new SouthboundError(
          `the server rejected the enrollment token (${error.message}); start the agent with a valid --enroll-token`,
          { status: 401, code: 'EnrollmentRejected', cause: error },
        );
      }
      const waiting = error.status === 404 || error.status === 403;
      if (once || (!waiting && !error.retryable)) throw error;
      if (!waiting || error.message !== lastWait)
        log.warn({ identity, error: error.message }, waiting ? 'the host cannot enroll yet; waiting' : 'enrolling failed; retrying');
      if (waiting) lastWait = error.message;
      // A 404 came after the server waited for the registration: ask again soon; otherwise back off.
      const delay =
        error.status === 404 && waitSeconds > 0
          ? computeBackoffDelay(0, enrollBackoff)
          : computeBackoffDelay(attempt, waiting ? enrollBackoff : backoff);
      await clock.sleep(delay, signal);
    }
  }
}
