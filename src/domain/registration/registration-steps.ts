/**
 * Registration jobs, per host: the steps `register-host` → `create-instance` → `create-cluster`, their persisted
 * statuses and the pure transitions between them (DESIGN.md, Workflows). The workflow engine asks
 * `computeNextAction` what to do, does it, and stores what `applyStepOutcome` / `applyCompensation` return;
 * nothing here does I/O, so the same rules drive the engine, the dry run and the tests.
 */
import type { HostRegistration } from '../inventory/host.ts';
import type { TemplateRef } from '../inventory/template.ts';
import { reasonCodes, type StepReasonCode } from '../reasons.ts';

export type StepName = 'register-host' | 'create-instance' | 'create-cluster';
export const STEP_NAMES: readonly StepName[] = ['register-host', 'create-instance', 'create-cluster'];

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'compensated';
export const STEP_STATUSES: readonly StepStatus[] = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'compensated'];

export type HostStatus = 'pending' | 'running' | 'succeeded' | 'failed';
export const HOST_STATUSES: readonly HostStatus[] = ['pending', 'running', 'succeeded', 'failed'];

export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed';
export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'succeeded', 'failed'];

/** Why a step is in its status: a reason code or the code of the error that failed it. */
export interface StepReason {
  code: StepReasonCode;
  message: string;
  /** The request field at fault, for example `hosts/3/template`. */
  field?: string;
  details?: Record<string, string>;
}

/** How a job runs; fixed at creation. */
export interface RegistrationOptions {
  autoProvision: boolean;
  /** Requires autoProvision: a cluster runs on a provisioned instance. */
  autoCluster: boolean;
  /** On a failure, undo the host's completed steps in reverse order. */
  atomic: boolean;
}

/** One host of a job with every default applied: what its steps will create. */
export interface HostPlan {
  /** Position in the request (0-based); names the host in fields such as `hosts/3/uuid`. */
  index: number;
  registration: HostRegistration;
  /** Set when autoProvision. */
  osProfile: string | null;
  /** Set when autoCluster. */
  template: TemplateRef | null;
  /**
   * Set when autoCluster: the single-node cluster to create, or (role controlplane or worker) the existing
   * cluster the host joins (see join-cluster.ts).
   */
  cluster: { name: string; labels: Record<string, string>; role?: 'controlplane' | 'worker' } | null;
}

/** The persisted state of one step of one host. */
export interface StepState {
  step: StepName;
  status: StepStatus;
  reason: StepReason | null;
  /** The id (name for clusters) of what the step created or found; kept after a failure elsewhere. */
  resourceId: string | null;
  /** True when this job created the resource (false: it existed already). Compensation removes only these. */
  created: boolean;
  /** How many times the step was started; a start is stored before the step runs, so crashes count. */
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface HostProgress {
  status: HostStatus;
  steps: StepState[];
}

/** What the engine does next for a host. */
export type HostAction = { kind: 'run'; step: StepName } | { kind: 'compensate'; step: StepName } | { kind: 'done' };

/** A step's result: created or found something, or failed with a reason. */
export type StepOutcome = { ok: true; resourceId: string; created: boolean; reason?: StepReason } | { ok: false; reason: StepReason };

/** After this many starts without an end a step fails with TooManyAttempts instead of running again. */
export const MAX_STEP_ATTEMPTS = 5;

/** The steps a job runs for each host, in order. */
export function computeStepNames({ autoProvision, autoCluster }: Pick<RegistrationOptions, 'autoProvision' | 'autoCluster'>): StepName[] {
  return STEP_NAMES.filter(
    (s) => s === 'register-host' || (s === 'create-instance' && autoProvision) || (s === 'create-cluster' && autoCluster),
  );
}

export function createHostProgress(options: Pick<RegistrationOptions, 'autoProvision' | 'autoCluster'>): HostProgress {
  return createPendingSteps(computeStepNames(options));
}

/** Every step pending, in the given order. */
export function createPendingSteps(names: readonly StepName[]): HostProgress {
  return {
    status: 'pending',
    steps: names.map((step) => ({
      step,
      status: 'pending',
      reason: null,
      resourceId: null,
      created: false,
      attempts: 0,
      startedAt: null,
      finishedAt: null,
    })),
  };
}

const isCompensable = (s: StepState): boolean => s.status === 'succeeded' && s.reason?.code !== reasonCodes.CompensationFailed;

/**
 * Runs steps in order until one fails; in atomic mode a failure is followed by undoing the succeeded steps,
 * latest first, until one undo fails.
 */
export function computeNextAction(progress: HostProgress, atomic: boolean): HostAction {
  const failedAt = progress.steps.findIndex((s) => s.status === 'failed');
  if (failedAt >= 0) {
    if (!atomic || progress.steps.some((s) => s.reason?.code === reasonCodes.CompensationFailed)) return { kind: 'done' };
    const undo = progress.steps.slice(0, failedAt).reverse().find(isCompensable);
    return undo ? { kind: 'compensate', step: undo.step } : { kind: 'done' };
  }
  const next = progress.steps.find((s) => s.status === 'pending' || s.status === 'running');
  return next ? { kind: 'run', step: next.step } : { kind: 'done' };
}

/** succeeded / failed once nothing is left to do; running once anything started; pending before. */
export function computeHostStatus(progress: Pick<HostProgress, 'steps'>, atomic: boolean): HostStatus {
  if (computeNextAction({ status: 'pending', steps: progress.steps }, atomic).kind === 'done') {
    return progress.steps.some((s) => s.status === 'failed') ? 'failed' : 'succeeded';
  }
  return progress.steps.some((s) => s.status !== 'pending') ? 'running' : 'pending';
}

function withStep(progress: HostProgress, step: StepName, change: (s: StepState) => StepState, atomic: boolean): HostProgress {
  if (!progress.steps.some((s) => s.step === step)) throw new Error(`step ${step} is not part of this host's plan`);
  const steps = progress.steps.map((s) => (s.step === step ? change(s) : s));
  return { status: computeHostStatus({ steps }, atomic), steps };
}

/** Records that a step starts (stored before it runs, so a crash mid-step still counts the attempt). */
export function applyStepStart(progress: HostProgress, step: StepName, now: string): HostProgress {
  const steps = progress.steps.map((s) =>
    s.step === step ? { ...s, status: 'running' as const, attempts: s.attempts + 1, startedAt: now, finishedAt: null, reason: null } : s,
  );
  return { status: 'running', steps };
}

/** Records a step's result; a failure skips every later step with PreviousStepFailed naming it. */
export function applyStepOutcome(
  progress: HostProgress,
  step: StepName,
  outcome: StepOutcome,
  { now, atomic }: { now: string; atomic: boolean },
): HostProgress {
  const at = progress.steps.findIndex((s) => s.step === step);
  if (at < 0) throw new Error(`step ${step} is not part of this host's plan`);
  const steps = progress.steps.map((s, i): StepState => {
    if (i === at) {
      return outcome.ok
        ? {
            ...s,
            status: 'succeeded',
            resourceId: outcome.resourceId,
            created: outcome.created,
            reason: outcome.reason ?? null,
            finishedAt: now,
          }
        : { ...s, status: 'failed', reason: outcome.reason, finishedAt: now };
    }
    if (i > at && !outcome.ok) {
      return { ...s, status: 'skipped', reason: { code: 'PreviousStepFailed', message: `not run: step ${step} failed` }, finishedAt: now };
    }
    return s;
  });
  return { status: computeHostStatus({ steps }, atomic), steps };
}

/** Records an undo: `compensated` with what was removed or kept, or CompensationFailed (the step stays succeeded). */
export function applyCompensation(
  progress: HostProgress,
  step: StepName,
  result: { ok: boolean; message: string },
  now: string,
): HostProgress {
  return withStep(
    progress,
    step,
    (s) =>
      result.ok
        ? { ...s, status: 'compensated', reason: { code: reasonCodes.Compensated, message: result.message }, finishedAt: now }
        : { ...s, reason: { code: reasonCodes.CompensationFailed, message: result.message }, finishedAt: now },
    true,
  );
}

/**
 * Retry: a failed host runs again from its failed step. Steps that succeeded are kept; compensated ones (atomic
 * mode) run again since their resource is gone. Attempt counts are kept (except after TooManyAttempts). Other hosts
 * are returned unchanged.
 */
export function applyRetry(progress: HostProgress, atomic: boolean): HostProgress {
  if (progress.status !== 'failed') return progress;
  const steps = progress.steps.map((s): StepState => {
    if (s.status === 'failed' || s.status === 'skipped' || s.status === 'compensated') {
      // A step stopped for too many attempts gets a fresh count, or the retry would stop it again at once.
      const attempts = s.reason?.code === reasonCodes.TooManyAttempts ? 0 : s.attempts;
      return {
        ...s,
        status: 'pending',
        reason: null,
        resourceId: s.status === 'compensated' ? null : s.resourceId,
        created: false,
        attempts,
        startedAt: null,
        finishedAt: null,
      };
    }
    if (s.reason?.code === reasonCodes.CompensationFailed) return { ...s, reason: null };
    return s;
  });
  return { status: computeHostStatus({ steps }, atomic) === 'succeeded' ? 'succeeded' : 'pending', steps };
}

/** The step of a failed host that failed (null when it did not fail). */
export function computeFailedStep(progress: Pick<HostProgress, 'steps'>): StepState | null {
  return progress.steps.find((s) => s.status === 'failed') ?? null;
}

export type HostTotals = Record<HostStatus, number> & { hosts: number };
export type StepTotals = Record<StepName, Record<StepStatus, number>>;

export const emptyHostTotals = (): HostTotals => ({ hosts: 0, pending: 0, running: 0, succeeded: 0, failed: 0 });
export const emptyStepCounts = (): Record<StepStatus, number> => ({
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  skipped: 0,
  compensated: 0,
});

/** Host and step totals of a list of hosts (the store computes the same with GROUP BY for big jobs). */
export function computeTotals(hosts: readonly HostProgress[]): { hosts: HostTotals; steps: Partial<StepTotals> } {
  const totals = emptyHostTotals();
  const steps: Partial<StepTotals> = {};
  for (const host of hosts) {
    totals.hosts += 1;
    totals[host.status] += 1;
    for (const s of host.steps) (steps[s.step] ??= emptyStepCounts())[s.status] += 1;
  }
  return { hosts: totals, steps };
}

/** A job is done when every host is; it failed when any host did. */
export function computeJobStatus(totals: HostTotals): JobStatus {
  if (totals.pending + totals.running > 0) return totals.running + totals.succeeded + totals.failed > 0 ? 'running' : 'pending';
  return totals.failed > 0 ? 'failed' : 'succeeded';
}
