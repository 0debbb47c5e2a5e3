/** Retrying a job: its failed hosts run again from their failed step; what succeeded is kept. */
import type { RegistrationJob } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The job after its failed hosts were queued again; the workers are woken when there was any. */
export async function retryRegistrationJob(
  { store, work }: Pick<UseCaseDeps, 'store' | 'work'>,
  { project, id }: { project: string; id: string },
): Promise<RegistrationJob> {
  if ((await store.jobs.retry(project, id)) > 0) work.jobQueued();
  return store.jobs.get(project, id);
}
