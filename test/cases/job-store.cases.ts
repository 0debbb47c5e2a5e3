/**
 * The registration job store's leases, written once and run per engine (test/store/store.test.ts): claims take
 * disjoint hosts, a lease blocks others until it expires or is released, and only its owner may extend it or save
 * progress. Running jobs end to end, retries through the API and crash recovery are test/registration's.
 * Claims see every project, so after each test every host left is finished, and the next test sees only its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applyStepOutcome,
  applyStepStart,
  createHostProgress,
  type HostPlan,
  type HostProgress,
  type RegistrationOptions,
} from '../../src/domain/registration/registration-steps.ts';
import type { Store } from '../../src/store/store.ts';
import type { EngineName } from '../support/engine-selection.ts';
import { expectAppError } from '../support/expect-app-error.ts';

const P = 'jobs';
const REGISTER_ONLY: RegistrationOptions = { autoProvision: false, autoCluster: false, atomic: false };
const LEASE = 60_000;
/** A lease that ran out a second ago: what a crashed worker leaves behind. */
const EXPIRED = -1_000;
const NOW = '2026-01-01T00:00:00.000Z';

const plans = (count: number): HostPlan[] =>
  Array.from({ length: count }, (_, index) => ({
    index,
    registration: { name: `edge-${index}`, uuid: null, serial: `SN-${index}`, site: null, labels: {} },
    osProfile: null,
    template: null,
    cluster: null,
  }));

const progressOf = (outcome: 'running' | 'succeeded' | 'failed'): HostProgress => {
  const started = applyStepStart(createHostProgress(REGISTER_ONLY), 'register-host', NOW);
  if (outcome === 'running') return started;
  return applyStepOutcome(
    started,
    'register-host',
    outcome === 'succeeded'
      ? { ok: true, resourceId: 'h-1', created: true }
      : { ok: false, reason: { code: 'HostConflict', message: 'another host has this serial' } },
    { now: NOW, atomic: false },
  );
};

export function runJobStoreCases({ engine, createStore }: { engine: EngineName; createStore: () => Promise<Store> }): void {
  let store: Store;
  const others: Store[] = [];
  beforeAll(async () => {
    store = await createStore();
    await store.projects.ensure(P);
  });
  afterEach(async () => {
    await store.jobs.releaseLeases(null);
    for (let left = await claimAll('cleanup'); left.length > 0; left = await claimAll('cleanup'))
      for (const host of left) await store.jobs.save('cleanup', host.key, progressOf('succeeded'), LEASE);
  });
  afterAll(async () => {
    for (const other of others) await other.close();
    await store?.close();
  });

  const claimAll = (owner: string) => store.jobs.claim({ owner, limit: 500, leaseMs: LEASE });

  /** A job of `hosts` register-only hosts. */
  async function jobOf(hosts: number): Promise<string> {
    const job = await store.jobs.create(P, { options: REGISTER_ONLY, defaults: { osProfile: null, template: null }, plans: plans(hosts) });
    return job.id;
  }

  /** Another store on the same database, as a replica has. */
  async function replica(): Promise<Store> {
    const other = await createStore();
    others.push(other);
    return other;
  }

  describe('registration job leases', () => {
    it('writes the job with every host pending and counts them; another project sees no such job', async () => {
      const jobId = await jobOf(3);
      expect(await store.jobs.get(P, jobId)).toMatchObject({
        status: 'pending',
        totals: { hosts: 3, pending: 3, running: 0, succeeded: 0, failed: 0 },
        stepTotals: { 'register-host': { pending: 3, running: 0, succeeded: 0, failed: 0, skipped: 0, compensated: 0 } },
        startedAt: null,
        finishedAt: null,
      });
      await expectAppError(store.jobs.get('elsewhere', jobId), { code: 'NotFound', extra: { resource: 'registration job', id: jobId } });
      await expectAppError(store.jobs.listHosts('elsewhere', jobId), { code: 'NotFound' });
    });

    it('hands each host to one worker at a time until its lease expires', async () => {
      await jobOf(5);
      const a = await store.jobs.claim({ owner: 'a', limit: 2, leaseMs: LEASE });
      expect(a.map((h) => h.index)).toEqual([0, 1]);
      expect(a[0]).toMatchObject({ project: P, options: REGISTER_ONLY, plan: plans(1)[0], progress: createHostProgress(REGISTER_ONLY) });
      const b = await store.jobs.claim({ owner: 'b', limit: 10, leaseMs: EXPIRED });
      expect(b.map((h) => h.index)).toEqual([2, 3, 4]);
      // a's leases hold; b's have run out, so c takes b's hosts.
      const c = await store.jobs.claim({ owner: 'c', limit: 10, leaseMs: LEASE });
      expect(c.map((h) => h.index)).toEqual([2, 3, 4]);
      expect(await store.jobs.claim({ owner: 'd', limit: 10, leaseMs: LEASE })).toEqual([]);
    });

    it('lets only the lease owner extend the lease or save progress', async () => {
      const jobId = await jobOf(2);
      const [first, second] = await store.jobs.claim({ owner: 'a', limit: 2, leaseMs: LEASE });
      expect(await store.jobs.hold('b', [first!.key, second!.key], LEASE)).toEqual(new Set());
      expect(await store.jobs.hold('a', [first!.key, second!.key], LEASE)).toEqual(new Set([first!.key, second!.key]));
      expect(await store.jobs.save('b', first!.key, progressOf('running'), LEASE)).toBe(false);
      expect(await store.jobs.save('a', first!.key, progressOf('running'), LEASE)).toBe(true);
      expect(await store.jobs.get(P, jobId)).toMatchObject({ status: 'running', totals: { pending: 1, running: 1 }, startedAt: NOW });
    });

    it('releases a finished host for good, and counts it in the totals', async () => {
      const jobId = await jobOf(2);
      const [done, failed] = await store.jobs.claim({ owner: 'a', limit: 2, leaseMs: EXPIRED });
      expect(await store.jobs.save('a', done!.key, progressOf('succeeded'), LEASE)).toBe(true);
      expect(await store.jobs.save('a', failed!.key, progressOf('failed'), LEASE)).toBe(true);
      // Finished hosts are not work, even with their (expired) leases gone.
      expect(await store.jobs.claim({ owner: 'b', limit: 10, leaseMs: LEASE })).toEqual([]);
      expect(await store.jobs.save('a', done!.key, progressOf('running'), LEASE)).toBe(false);
      const job = await store.jobs.get(P, jobId);
      expect(job).toMatchObject({ status: 'failed', totals: { succeeded: 1, failed: 1 } });
      expect(job.finishedAt).not.toBeNull();
      const failedOnly = await store.jobs.listHosts(P, jobId, { status: 'failed' });
      expect(failedOnly.items.map((h) => [h.index, h.progress.status])).toEqual([[1, 'failed']]);

      expect(await store.jobs.retry(P, jobId)).toBe(1);
      expect((await store.jobs.claim({ owner: 'b', limit: 10, leaseMs: LEASE })).map((h) => h.index)).toEqual([1]);
    });

    it("releases one owner's leases, or everyone's, so other workers can take the hosts", async () => {
      await jobOf(3);
      await store.jobs.claim({ owner: 'a', limit: 1, leaseMs: LEASE });
      await store.jobs.claim({ owner: 'b', limit: 2, leaseMs: LEASE });
      expect(await store.jobs.releaseLeases('a')).toBe(1);
      expect((await store.jobs.claim({ owner: 'c', limit: 10, leaseMs: LEASE })).map((h) => h.index)).toEqual([0]);
      expect(await store.jobs.releaseLeases(null)).toBe(3);
      expect(await store.jobs.claim({ owner: 'd', limit: 10, leaseMs: LEASE })).toHaveLength(3);
    });

    // SQLite has a single writer, so claims from two stores on one file never overlap in time: nothing to race.
    it.skipIf(engine !== 'postgres')('gives workers on separate connections that claim at once disjoint hosts (SKIP LOCKED)', async () => {
      await jobOf(40);
      const stores = [store, await replica(), await replica(), await replica()];
      const claims = await Promise.all(stores.map((s, i) => s.jobs.claim({ owner: `w${i}`, limit: 8, leaseMs: LEASE })));
      const keys = claims.flat().map((h) => h.key);
      expect(keys).toHaveLength(32);
      expect(new Set(keys).size).toBe(32);
    });
  });
}
