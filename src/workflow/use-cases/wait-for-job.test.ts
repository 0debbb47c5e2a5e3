import { describe, expect, it } from 'vitest';
import type { RegistrationJob, Store } from '../../store/store.ts';
import { WorkSignal } from '../work-signal.ts';
import { JOB_RECHECK_MS, waitForJob } from './wait-for-job.ts';

const running = { id: 'j1', project: 'alpha', status: 'running' } as RegistrationJob;

/** A job store whose job is done once `finish` was called; counts its reads. */
function createJobs() {
  const jobs = {
    reads: 0,
    done: false,
    finish() {
      jobs.done = true;
    },
    store: {
      jobs: {
        get: async () => {
          jobs.reads += 1;
          return { ...running, status: jobs.done ? 'succeeded' : 'running' };
        },
      },
    } as unknown as Store,
  };
  return jobs;
}

describe('waitForJob', () => {
  it('answers as soon as a worker of this process reports the job moved, without polling the store', async () => {
    const jobs = createJobs();
    const work = new WorkSignal();
    const started = Date.now();
    setTimeout(() => {
      jobs.finish();
      work.jobProgressed('alpha', 'j1');
    }, 100);
    const job = await waitForJob({ store: jobs.store, work }, { job: running, waitMs: 5_000 });
    expect(job.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(JOB_RECHECK_MS);
    expect(jobs.reads).toBe(2);
  });

  it("ignores other jobs' progress", async () => {
    const jobs = createJobs();
    const work = new WorkSignal();
    setTimeout(() => work.jobProgressed('alpha', 'j2'), 20);
    const job = await waitForJob({ store: jobs.store, work }, { job: running, waitMs: 200 });
    expect(job.status).toBe('running');
    expect(jobs.reads).toBe(2); // the first read, and the last one when the wait is over
  });

  it('re-reads the job every JOB_RECHECK_MS, for jobs run by another replica (which sends no event)', async () => {
    const jobs = createJobs();
    setTimeout(jobs.finish, 100);
    const started = Date.now();
    const job = await waitForJob({ store: jobs.store, work: new WorkSignal() }, { job: running, waitMs: 5_000 });
    expect(job.status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(JOB_RECHECK_MS - 50);
    expect(jobs.reads).toBe(2);
  });

  it('answers a job that is done, or without a wait, as it is', async () => {
    const jobs = createJobs();
    const deps = { store: jobs.store, work: new WorkSignal() };
    expect(await waitForJob(deps, { job: running, waitMs: 0 })).toBe(running);
    const done = { ...running, status: 'failed' } as RegistrationJob;
    expect(await waitForJob(deps, { job: done, waitMs: 5_000 })).toBe(done);
    expect(jobs.reads).toBe(0);
  });
});
