/**
 * The dry run: every host of a request checked as the real job would run it (the same step plans, against the
 * inventory as it is now) without writing anything, not even a job. Reports, per host, the step that would fail
 * and why; the CSV importer's --dry-run shows exactly this.
 */
import { setImmediate } from 'node:timers/promises';
import type { HostProblem, RegistrationRequest } from '../domain/registration/registration-request.ts';
import { computeStepNames, type HostPlan, type StepName, type StepReason } from '../domain/registration/registration-steps.ts';
import type { Store } from '../store/store.ts';
import { createReferenceCache } from './reference-cache.ts';
import { registrationSteps } from './steps/steps.ts';

/** A step's predicted result: succeeded means "would succeed" (resourceId set when it already exists). */
export interface CheckedStep {
  step: StepName;
  status: 'succeeded' | 'failed' | 'skipped';
  reason: StepReason | null;
  resourceId: string | null;
}

export interface CheckedHost {
  index: number;
  name: string | null;
  uuid: string | null;
  serial: string | null;
  status: 'succeeded' | 'failed';
  failedStep: StepName | null;
  reason: StepReason | null;
  steps: CheckedStep[];
}

export interface RegistrationCheck {
  dryRun: true;
  /** True when every host would succeed. */
  valid: boolean;
  totals: { hosts: number; succeeded: number; failed: number };
  hosts: CheckedHost[];
}

/** Hosts checked together: each step observes the inventory once per group. */
const GROUP = 250;

/**
 * Longest run of checks without letting other requests in. SQLite's driver is synchronous, so a dry run that
 * never yields would hold every other request until it ends (seconds for tens of thousands of hosts).
 */
const MAX_SLICE_MS = 20;

/** A host while it is checked. */
interface Checking {
  index: number;
  plan: HostPlan | null;
  problem: HostProblem | undefined;
  hostId: string | null;
  steps: CheckedStep[];
  failed: CheckedStep | null;
}

export async function checkRegistration(store: Store, project: string, request: RegistrationRequest): Promise<RegistrationCheck> {
  const refs = createReferenceCache();
  const stepNames = computeStepNames(request.options);
  const problems = new Map(request.problems.map((p) => [p.index, p]));

  function start(index: number): Checking {
    const problem = problems.get(index);
    const full = request.plans[index] ?? null;
    const registration = full?.registration ?? problem?.registration ?? null;
    const plan: HostPlan | null =
      full ?? (registration ? { index, registration, osProfile: problem?.osProfile ?? null, template: null, cluster: null } : null);
    return { index, plan, problem, hostId: null, steps: [], failed: null };
  }

  function fail(h: Checking, failed: CheckedStep): void {
    h.failed = failed;
    h.steps.push(failed);
  }

  async function checkStep(step: StepName, group: Checking[]): Promise<void> {
    const runnable: Checking[] = [];
    for (const h of group) {
      if (h.failed) {
        h.steps.push({
          step,
          status: 'skipped',
          reason: { code: 'PreviousStepFailed', message: `not run: step ${h.failed.step} would fail` },
          resourceId: null,
        });
      } else if (h.problem?.step === step || !h.plan) {
        const { problem, index } = h;
        fail(h, {
          step,
          status: 'failed',
          reason: {
            code: problem?.code ?? 'InvalidField',
            message: problem?.message ?? `hosts/${index} is not valid`,
            field: problem?.field ?? `hosts/${index}`,
          },
          resourceId: null,
        });
      } else runnable.push(h);
    }
    if (runnable.length === 0) return;
    const { decisions } = await registrationSteps[step].plan(
      { store, project, refs },
      runnable.map((h) => ({ plan: h.plan!, hostId: h.hostId })),
    );
    runnable.forEach((h, i) => {
      const decided = decisions[i]!;
      if (decided.kind === 'fail') return fail(h, { step, status: 'failed', reason: decided.reason, resourceId: null });
      const resourceId = decided.kind === 'exists' ? decided.resourceId : null;
      if (step === 'register-host') h.hostId = resourceId;
      h.steps.push({ step, status: 'succeeded', reason: decided.kind === 'exists' ? decided.reason : null, resourceId });
    });
  }

  const toChecked = (h: Checking): CheckedHost => {
    const registration = h.plan?.registration ?? null;
    return {
      index: h.index,
      name: registration?.name ?? null,
      uuid: registration?.uuid ?? null,
      serial: registration?.serial ?? null,
      status: h.failed ? 'failed' : 'succeeded',
      failedStep: h.failed?.step ?? null,
      reason: h.failed?.reason ?? null,
      steps: h.steps,
    };
  };

  const hosts: CheckedHost[] = [];
  let sliceStarted = performance.now();
  for (let first = 0; first < request.plans.length; first += GROUP) {
    const group = Array.from({ length: Math.min(GROUP, request.plans.length - first) }, (_, i) => start(first + i));
    for (const step of stepNames) {
      await checkStep(step, group);
      if (performance.now() - sliceStarted > MAX_SLICE_MS) {
        await setImmediate();
        sliceStarted = performance.now();
      }
    }
    for (const h of group) hosts.push(toChecked(h));
  }
  const failed = hosts.filter((h) => h.status === 'failed').length;
  return { dryRun: true, valid: failed === 0, totals: { hosts: hosts.length, succeeded: hosts.length - failed, failed }, hosts };
}
