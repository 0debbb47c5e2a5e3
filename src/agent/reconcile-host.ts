/**
 * One reconcile of the host against its desired state: install K3s, remove it, or report why not. It
 * remembers the work it finished so that a new revision with the same work (the host's state moved because of
 * the agent's own report) does nothing, and it retries failed work only after a growing delay.
 */
import type { AgentReportT, ClusterActionT, DesiredStateT } from '../contract/agent.schema.ts';
import { isAppError } from '../domain/errors.ts';
import type { OsType } from '../domain/inventory/os-profile.ts';
import { renderInstallPlan, type InstallPlan } from '../render/bootstrap/install-plan.ts';
import { computeBackoffDelay, type BackoffPolicy } from './backoff.ts';
import type { CleanupResult } from './cleanup.ts';
import type { InstallRecord } from './install-record.ts';
import type { InstallResult } from './run-install.ts';

export type ClusterReport = NonNullable<AgentReportT['cluster']>;

/** What the reconciler does to the host and the server; the agent wires the real ones, tests fakes. */
export interface HostOperations {
  /** Sends a report (with the host's manifest added); null reports only the manifest. Throws only when the agent is stopping. */
  report(cluster: ClusterReport | null): Promise<void>;
  /** Installs `plan`, known on the host by `planRevision`. */
  install(plan: InstallPlan, planRevision: string): Promise<InstallResult>;
  cleanup(osType: OsType): Promise<CleanupResult>;
  readInstallRecord(): Promise<InstallRecord | null>;
  /** The OS type of the image the host runs (from its manifest). */
  osType(): OsType;
  /** The image version the host runs (from its manifest), or null when it names none. */
  osVersion?(): string | null;
  /** Why this plan cannot be executed here, or null (an emulated host refuses files outside its root). */
  checkPlan?(plan: InstallPlan): string | null;
  /** Runs the OS update command (option 2); the host then reboots into the new image. Absent: this agent cannot. */
  updateOs?(argv: readonly string[]): Promise<{ ok: boolean; message: string }>;
}

export interface ReconcilerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** How long failed work waits before it is tried again (it grows with each failure). */
export const FAILED_WORK_RETRY: BackoffPolicy = { baseMs: 30_000, capMs: 600_000 };

interface Work {
  key: string;
  cluster: string | null;
  run(firstAttempt: boolean): Promise<boolean>;
}

export interface HostReconciler {
  /** Acts on `desired`; `revisionChanged` is false when a long-poll ended without a change. */
  reconcile(desired: DesiredStateT, options: { revisionChanged: boolean }): Promise<void>;
  /** When failed work is due to be retried (epoch ms), or null; the agent bounds its long-poll by it. */
  retryAt(): number | null;
}

export function createHostReconciler({
  ops,
  log,
  now = Date.now,
  retry = FAILED_WORK_RETRY,
}: {
  ops: HostOperations;
  log: ReconcilerLogger;
  now?: () => number;
  retry?: BackoffPolicy;
}): HostReconciler {
  let last: { key: string; ok: boolean; failures: number; retryAt: number } | null = null;

  function installWork(action: Extract<ClusterActionT, { kind: 'install' }>): Work {
    const plan = renderInstallPlan(action.plan);
    const key = `install:${action.cluster}:${action.planRevision}`;
    return {
      key,
      cluster: action.cluster,
      async run(firstAttempt) {
        const refused = ops.checkPlan?.(plan) ?? null;
        if (refused) {
          await ops.report({ name: action.cluster, phase: 'failed', message: refused });
          return false;
        }
        const record = await ops.readInstallRecord().catch(() => null);
        // A retry keeps the failure visible until it succeeds; an install already done needs no "installing".
        if (firstAttempt && record?.state !== 'ready') {
          await ops.report({
            name: action.cluster,
            phase: 'installing',
            message: `installing K3s ${plan.kubernetesVersion} (${plan.mode})`,
          });
        }
        log.info({ cluster: action.cluster, version: plan.kubernetesVersion, mode: plan.mode }, 'installing K3s');
        let result: InstallResult;
        try {
          result = await ops.install(plan, action.planRevision);
        } catch (error) {
          const message = errorMessage(error);
          log.warn({ cluster: action.cluster, code: (error as { code?: string }).code, message }, 'installing K3s failed');
          await ops.report({ name: action.cluster, phase: 'failed', message });
          return false;
        }
        const warnings = result.warnings.length ? `; warnings: ${result.warnings.join('; ')}` : '';
        try {
          await ops.report({
            name: action.cluster,
            phase: 'ready',
            message: `K3s ${plan.kubernetesVersion} is ready (${plan.mode})${warnings}`,
            ...(result.kubeconfig ? { kubeconfig: result.kubeconfig } : {}),
          });
        } catch (error) {
          // The agent was told to stop while it installed: it let the install finish, and its next start finds
          // K3s installed (the install record) and reports it ready.
          log.info(
            { cluster: action.cluster, status: result.status, reason: errorMessage(error) },
            'K3s installed while the agent was stopping; its next start reports it ready',
          );
          throw error;
        }
        log.info({ cluster: action.cluster, status: result.status }, 'K3s is ready');
        return true;
      },
    };
  }

  function removeWork(cluster: string | null, key: string): Work {
    return {
      key,
      cluster,
      async run() {
        if (cluster !== null) await ops.report({ name: cluster, phase: 'removing', message: 'removing K3s from the host' });
        log.info({ cluster }, 'removing K3s');
        try {
          const result = await ops.cleanup(ops.osType());
          if (result.failed.length > 0) {
            const message = `K3s could not be removed completely: ${result.failed.map((f) => `${f.path}: ${f.error}`).join('; ')}`;
            log.warn({ cluster, message }, 'removing K3s failed');
            await ops.report({ name: cluster, phase: 'failed', message });
            return false;
          }
          const kept = result.kept.filter((k) => k.reason === 'package-owned').length;
          await ops.report({
            name: cluster,
            phase: 'removed',
            message: `K3s removed (${result.removed.length} paths deleted, ${kept} package-owned paths kept)`,
          });
          log.info({ cluster, removed: result.removed.length, kept }, 'K3s removed');
          return true;
        } catch (error) {
          const message = `removing K3s failed: ${errorMessage(error)}`;
          log.warn({ cluster, message }, 'removing K3s failed');
          await ops.report({ name: cluster, phase: 'failed', message });
          return false;
        }
      },
    };
  }

  /** Removes K3s that edge-orch installed (its install record is there) and no cluster claims any more. */
  async function orphanWork(): Promise<Work | null> {
    return (await ops.readInstallRecord().catch(() => null)) ? removeWork(null, 'orphan') : null;
  }

  async function workFor(action: ClusterActionT): Promise<Work | null> {
    switch (action.kind) {
      case 'install':
        return installWork(action);
      case 'remove':
        // Without a cluster (a deauthorized host whose cluster is gone) only K3s from edge-orch is left to remove.
        return action.cluster !== null ? removeWork(action.cluster, `remove:${action.cluster}`) : orphanWork();
      case 'blocked':
        return {
          key: `blocked:${action.cluster}:${action.reason.message}`,
          cluster: action.cluster,
          async run() {
            await ops.report({ name: action.cluster, phase: 'failed', message: action.reason.message });
            return true;
          },
        };
      case 'none':
        // No cluster, yet K3s from edge-orch is here: its cluster was force-deleted while the host was away.
        return orphanWork();
      case 'wait':
        return null;
      case 'update-os':
        return {
          key: `update-os:${action.osProfile}:${action.version}`,
          cluster: action.cluster,
          async run() {
            // Booted into the new image, the agent may hear the update asked again before the server has read
            // its new manifest: reporting it is all that is left to do, and updating again would reboot for ever.
            if (ops.osVersion?.() === action.version) {
              log.info({ cluster: action.cluster, version: action.version }, 'the host runs the OS version asked for; reporting it');
              await ops.report(null);
              return true;
            }
            await ops.report({
              name: action.cluster,
              phase: 'installing',
              message: `updating the OS to ${action.osProfile}:${action.version}`,
            });
            const result = ops.updateOs
              ? await ops.updateOs(action.argv)
              : { ok: false, message: 'this agent cannot update its OS (no update command runner)' };
            if (!result.ok) await ops.report({ name: action.cluster, phase: 'failed', message: result.message });
            log.info({ cluster: action.cluster, version: action.version, ok: result.ok }, result.message);
            return result.ok;
          },
        };
    }
  }

  return {
    retryAt: () => (last && !last.ok ? last.retryAt : null),
    async reconcile(desired, { revisionChanged }) {
      const work = await workFor(desired.action);
      const repeat = work !== null && last?.key === work.key;
      if (work === null || (repeat && (last!.ok || now() < last!.retryAt))) {
        // Nothing to do; a new revision may mean a new instance that has not seen the host's OS yet.
        if (revisionChanged) await ops.report(null);
        return;
      }
      const failures = repeat ? last!.failures : 0;
      const ok = await work.run(!repeat);
      last = { key: work.key, ok, failures: ok ? 0 : failures + 1, retryAt: ok ? 0 : now() + computeBackoffDelay(failures, retry) };
    },
  };
}

function errorMessage(error: unknown): string {
  if (isAppError(error)) return `${error.code}: ${error.detail}`;
  return error instanceof Error ? error.message : String(error);
}
