/**
 * Queuing a registration job: its hosts are written in one transaction, the workers of this process are woken,
 * and a small job is waited for, so a request for a few hosts usually answers with the finished job.
 */
import { formatTemplateRef } from '../../domain/inventory/template.ts';
import type { RegistrationDefaults } from '../../domain/registration/registration-request.ts';
import type { HostPlan, RegistrationOptions } from '../../domain/registration/registration-steps.ts';
import type { RegistrationJob } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';
import { waitForJob } from './wait-for-job.ts';

/** Jobs of at most this many hosts are waited for by default. */
export const SMALL_JOB_HOSTS = 10;
export const SMALL_JOB_WAIT_SECONDS = 5;

export interface RegistrationJobRequest {
  project: string;
  options: RegistrationOptions;
  defaults: RegistrationDefaults;
  plans: readonly HostPlan[];
  /** How long to wait for the job to finish; by default SMALL_JOB_WAIT_SECONDS for a small job, else none. */
  waitSeconds?: number | undefined;
}

/** The job: finished when it finished within the wait, else as it is then. */
export async function createRegistrationJob(
  deps: Pick<UseCaseDeps, 'store' | 'work'>,
  { project, options, defaults, plans, waitSeconds }: RegistrationJobRequest,
): Promise<RegistrationJob> {
  const job = await deps.store.jobs.create(project, {
    options,
    defaults: { osProfile: defaults.osProfile, template: defaults.template ? formatTemplateRef(defaults.template) : null },
    plans,
  });
  deps.work.jobQueued();
  const wait = waitSeconds ?? (plans.length <= SMALL_JOB_HOSTS ? SMALL_JOB_WAIT_SECONDS : 0);
  return waitForJob(deps, { job, waitMs: wait * 1000 });
}
