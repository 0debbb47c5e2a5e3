/**
 * A registration job's progress as a long-poll: answered as soon as the job differs from the revision the
 * caller last saw, or as it is once `waitMs` passed. The revision is a fingerprint of the job's status and totals.
 */
import type { RegistrationJob } from '../../store/store.ts';
import { fingerprint } from '../fingerprint.ts';
import { readUntil } from '../read-until.ts';
import { JOB_RECHECK_MS } from './wait-for-job.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function waitForJobProgress(
  { store, work }: Pick<UseCaseDeps, 'store' | 'work'>,
  { project, id, since, waitMs, signal }: { project: string; id: string; since?: string; waitMs: number; signal?: AbortSignal },
): Promise<{ revision: string; job: RegistrationJob }> {
  const job = await readUntil({
    read: () => store.jobs.get(project, id),
    settled: (current) => since === undefined || fingerprint(current) !== since,
    wake: (timeoutMs, wakeSignal) => work.waitForJobProgress(project, id, timeoutMs, wakeSignal),
    waitMs,
    recheckMs: JOB_RECHECK_MS,
    ...(signal ? { signal } : {}),
  });
  return { revision: fingerprint(job), job };
}
