/**
 * Registration job totals are counters kept by triggers (migration 0013), so they follow every write of the
 * hosts' status columns, a multi-row statement included (as a batched worker writes them), not only the job
 * store's own calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostPlan } from '../domain/registration/registration-steps.ts';
import { openStore } from './open-store.ts';

describe('registration job counters on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-orch-job-counts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('count the hosts a single multi-row UPDATE moves', async () => {
    const file = join(dir, 'store.sqlite');
    const store = await openStore({ engine: 'sqlite', file, secrets: { current: Buffer.alloc(32, 1), previous: [] } });
    try {
      const plan = (index: number): HostPlan => ({
        index,
        registration: { name: `h-${index}`, uuid: null, serial: `S-${index}`, site: null, labels: {} },
        osProfile: null,
        template: null,
        cluster: null,
      });
      await store.projects.ensure('p');
      const options = { autoProvision: false, autoCluster: false, atomic: false };
      const job = await store.jobs.create('p', {
        options,
        defaults: { osProfile: null, template: null },
        plans: [0, 1, 2].map(plan),
      });
      const raw = new Database(file);
      raw
        .prepare("update registration_hosts set status = 'succeeded', register_host = 'succeeded' where job_id = ? and idx < 2")
        .run(job.id);
      raw.close();
      expect(await store.jobs.get('p', job.id)).toMatchObject({
        totals: { hosts: 3, pending: 1, running: 0, succeeded: 2, failed: 0 },
        stepTotals: { 'register-host': { pending: 1, succeeded: 2 } },
      });
    } finally {
      await store.close();
    }
  });
});
