/**
 * Waiting for a registration job: woken when a worker of this process moves the job, and re-reading at least
 * every JOB_RECHECK_MS to see the progress of jobs run by another replica on the same database.
 */
import type { RegistrationJob } from '../../store/store.ts';
import { readUntil } from '../read-until.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export const JOB_RECHECK_MS = 1_000;

export function isJobDone(job: RegistrationJob): boolean {
  return job.status === 'succeeded' || job.status === 'failed';
}

/** The job once it is done, or as it is after `waitMs`. */
export async function waitForJob(
  { store, work }: Pick<UseCaseDeps, 'store' | 'work'>,
  { job, waitMs, signal }: { job: RegistrationJob; waitMs: number; signal?: AbortSignal },
): Promise<RegistrationJob> {
  if (isJobDone(job) || waitMs <= 0) return job;
  return readUntil({
    read: () => store.jobs.get(job.project, job.id),
    settled: isJobDone,
    wake: (timeoutMs, wakeSignal) => work.waitForJobProgress(job.project, job.id, timeoutMs, wakeSignal),
    waitMs,
    recheckMs: JOB_RECHECK_MS,
    ...(signal ? { signal } : {}),
  });
}
