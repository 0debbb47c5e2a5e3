/**
 * The dry run: every host of a request checked as the real job would run it (the same step plans, against the
 * inventory as it is now) without writing anything, not even a job. Reports, per host, the step that would fail
 * and why; the CSV importer's --dry-run shows exactly this.
 */
import { setImmediate } from 'node:timers/promises';
import type { RegistrationRequest } from '../domain/registration/registration-request.ts';
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

/** Hosts checked at once (PostgreSQL serves them in parallel; SQLite one by one anyway). */
const PARALLEL = 8;

/**
 * Longest run of checks without letting other requests in. SQLite's driver is synchronous, so a dry run that
 * never yields would hold every other request until it ends (seconds for tens of thousands of hosts).
 */
const MAX_SLICE_MS = 20;

export async function checkRegistration(store: Store, project: string, request: RegistrationRequest): Promise<RegistrationCheck> {
  const refs = createReferenceCache();
  const stepNames = computeStepNames(request.options);
  const problems = new Map(request.problems.map((p) => [p.index, p]));

  async function checkHost(index: number): Promise<CheckedHost> {
    const problem = problems.get(index);
    const full = request.plans[index] ?? null;
    const registration = full?.registration ?? problem?.registration ?? null;
    const plan: HostPlan | null =
      full ?? (registration ? { index, registration, osProfile: problem?.osProfile ?? null, template: null, cluster: null } : null);
    const steps: CheckedStep[] = [];
    let hostId: string | null = null;
    let failed: CheckedStep | null = null;
    for (const step of stepNames) {
      if (failed) {
        steps.push({
          step,
          status: 'skipped',
          reason: { code: 'PreviousStepFailed', message: `not run: step ${failed.step} would fail` },
          resourceId: null,
        });
        continue;
      }
      if (problem?.step === step || !plan) {
        failed = {
          step,
          status: 'failed',
          reason: {
            code: problem?.code ?? 'InvalidField',
            message: problem?.message ?? `hosts/${index} is not valid`,
            field: problem?.field ?? `hosts/${index}`,
          },
          resourceId: null,
        };
        steps.push(failed);
        continue;
      }
      const decided = await registrationSteps[step].plan({ store, project, plan, hostId, refs });
      if (decided.kind === 'fail') {
        failed = { step, status: 'failed', reason: decided.reason, resourceId: null };
        steps.push(failed);
      } else {
        const resourceId = decided.kind === 'exists' ? decided.resourceId : null;
        if (step === 'register-host') hostId = resourceId;
        steps.push({ step, status: 'succeeded', reason: decided.kind === 'exists' ? decided.reason : null, resourceId });
      }
    }
    return {
      index,
      name: registration?.name ?? null,
      uuid: registration?.uuid ?? null,
      serial: registration?.serial ?? null,
      status: failed ? 'failed' : 'succeeded',
      failedStep: failed?.step ?? null,
      reason: failed?.reason ?? null,
      steps,
    };
  }

  const hosts: CheckedHost[] = new Array(request.plans.length);
  let next = 0;
  let sliceStarted = performance.now();
  async function worker(): Promise<void> {
    while (next < hosts.length) {
      const index = next++;
      hosts[index] = await checkHost(index);
      if (performance.now() - sliceStarted > MAX_SLICE_MS) {
        await setImmediate();
        sliceStarted = performance.now();
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, hosts.length) }, worker));
  const failed = hosts.filter((h) => h.status === 'failed').length;
  return { dryRun: true, valid: failed === 0, totals: { hosts: hosts.length, succeeded: hosts.length - failed, failed }, hosts };
}
