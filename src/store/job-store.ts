/**
 * Registration jobs: the job row and one row per host with its plan, progress and lease. Totals are counters
 * that triggers keep with the hosts' status columns (migration 0013), so a 50,000-host job answers a poll
 * without reading its hosts, whichever of these calls (or a later one) writes those columns. Work is claimed
 * under a lease: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so replicas sharing the database take disjoint hosts;
 * every later write of a host checks that the lease is still this worker's.
 */
import { sql } from 'kysely';
import { notFound } from '../domain/errors.ts';
import {
  applyRetry,
  computeJobStatus,
  createHostProgress,
  emptyHostTotals,
  emptyStepCounts,
  type HostPlan,
  type HostProgress,
  type HostStatus,
  type HostTotals,
  type JobStatus,
  type RegistrationOptions,
  type StepName,
  type StepStatus,
  type StepTotals,
} from '../domain/registration/registration-steps.ts';
import { createId, nowIso } from './create-id.ts';
import type { Db, RegistrationHostTable, RegistrationJobTable } from './database.ts';
import { inChunks } from './in-chunks.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import type { Page, PageRequest } from './store.ts';

export interface RegistrationJob {
  id: string;
  project: string;
  status: JobStatus;
  options: RegistrationOptions;
  defaults: { osProfile: string | null; template: string | null };
  totals: HostTotals;
  stepTotals: Partial<StepTotals>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RegistrationHostRecord {
  jobId: string;
  index: number;
  plan: HostPlan;
  progress: HostProgress;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

/** A host handed to a worker: everything it needs to run the host's next steps. */
export interface ClaimedHost {
  key: string;
  jobId: string;
  project: string;
  index: number;
  plan: HostPlan;
  options: RegistrationOptions;
  progress: HostProgress;
}

export interface NewRegistrationJob {
  options: RegistrationOptions;
  defaults: RegistrationJob['defaults'];
  plans: readonly HostPlan[];
}

export interface JobStore {
  /** Writes the job and all its hosts in one transaction. */
  create(project: string, job: NewRegistrationJob): Promise<RegistrationJob>;
  get(project: string, id: string): Promise<RegistrationJob>;
  /** Newest first. */
  list(project: string, page?: PageRequest): Promise<Page<RegistrationJob>>;
  /** In request order. */
  listHosts(project: string, jobId: string, filter?: { status?: HostStatus }, page?: PageRequest): Promise<Page<RegistrationHostRecord>>;
  /** Puts the job's failed hosts back to run from their failed step; returns how many. */
  retry(project: string, jobId: string): Promise<number>;
  /** Leases up to `limit` hosts with work left whose lease is free or expired. */
  claim(input: { owner: string; limit: number; leaseMs: number }): Promise<ClaimedHost[]>;
  /** Extends this owner's leases; returns the keys it still holds. */
  hold(owner: string, keys: readonly string[], leaseMs: number): Promise<Set<string>>;
  /** Stores a host's progress if `owner` holds its lease (false otherwise); a host with nothing left is released. */
  save(owner: string, key: string, progress: HostProgress, leaseMs: number): Promise<boolean>;
  /** `save` for many hosts, one statement per chunk of rows; returns the keys stored (those `owner` holds). */
  saveMany(owner: string, saves: readonly { key: string; progress: HostProgress }[], leaseMs: number): Promise<Set<string>>;
  /** Releases the leases of `owner`, or of everyone (null); returns how many. */
  releaseLeases(owner: string | null): Promise<number>;
}

const STEP_COLUMNS = {
  'register-host': 'register_host',
  'create-instance': 'create_instance',
  'create-cluster': 'create_cluster',
} as const satisfies Record<StepName, string>;
const STEP_OF_COLUMN: Record<string, StepName> = Object.fromEntries(
  Object.entries(STEP_COLUMNS).map(([step, column]) => [column, step as StepName]),
);
const DONE: readonly HostStatus[] = ['succeeded', 'failed'];
const leaseUntil = (leaseMs: number): string => new Date(Date.now() + leaseMs).toISOString();
const indexCursor = (index: number): string => String(index).padStart(10, '0');

function stepColumns(
  progress: HostProgress,
): Pick<RegistrationHostTable, 'status' | 'register_host' | 'create_instance' | 'create_cluster'> {
  const statusOf = (step: StepName): string | null => progress.steps.find((s) => s.step === step)?.status ?? null;
  return {
    status: progress.status,
    register_host: statusOf('register-host'),
    create_instance: statusOf('create-instance'),
    create_cluster: statusOf('create-cluster'),
  };
}

const toRecord = (row: RegistrationHostTable): RegistrationHostRecord => ({
  jobId: row.job_id,
  index: row.idx,
  plan: JSON.parse(row.plan) as HostPlan,
  progress: JSON.parse(row.progress) as HostProgress,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  updatedAt: row.updated_at,
});

/** `engine` decides row locking (SQLite has one writer, so its claim needs none); `joined`: db is already a transaction. */
export function createJobStore(db: Db, engine: 'sqlite' | 'postgres', joined: boolean): JobStore {
  const inTransaction = <T>(fn: (trx: Db) => Promise<T>): Promise<T> => (joined ? fn(db) : db.transaction().execute(fn));
  /**
   * The jobs with their totals, from the counters kept with their hosts' rows (migration 0013) and the first
   * start and last finish through the job's time indexes: no statement reads all of a job's hosts.
   */
  async function withTotals(rows: readonly RegistrationJobTable[]): Promise<RegistrationJob[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const counts = await db.selectFrom('registration_job_counts').selectAll().where('job_id', 'in', ids).execute();
    const times = await db
      .selectFrom('registration_jobs as j')
      .where('j.id', 'in', ids)
      .select((eb) => [
        'j.id',
        eb
          .selectFrom('registration_hosts as h')
          .whereRef('h.job_id', '=', 'j.id')
          .where('h.started_at', 'is not', null)
          .select((e) => e.fn.min('h.started_at').as('t'))
          .as('started'),
        eb
          .selectFrom('registration_hosts as h')
          .whereRef('h.job_id', '=', 'j.id')
          .where('h.finished_at', 'is not', null)
          .select((e) => e.fn.max('h.finished_at').as('t'))
          .as('finished'),
      ])
      .execute();
    return rows.map((row) => {
      const totals = { ...emptyHostTotals(), hosts: row.host_count };
      const stepTotals: Partial<StepTotals> = {};
      for (const count of counts) {
        if (count.job_id !== row.id) continue;
        const n = Number(count.n);
        if (count.field === 'status') totals[count.value as HostStatus] += n;
        else if (n !== 0) (stepTotals[STEP_OF_COLUMN[count.field]!] ??= emptyStepCounts())[count.value as StepStatus] += n;
      }
      const time = times.find((t) => t.id === row.id);
      const status = computeJobStatus(totals);
      return {
        id: row.id,
        project: row.project,
        status,
        options: JSON.parse(row.options) as RegistrationOptions,
        defaults: JSON.parse(row.defaults) as RegistrationJob['defaults'],
        totals,
        stepTotals,
        createdAt: row.created_at,
        startedAt: time?.started ?? null,
        finishedAt: status === 'succeeded' || status === 'failed' ? (time?.finished ?? null) : null,
      };
    });
  }
  const withTotalsOf = async (row: RegistrationJobTable): Promise<RegistrationJob> => (await withTotals([row]))[0]!;

  /** One UPDATE … FROM (VALUES …) per chunk: a round trip per chunk instead of per host. */
  async function saveMany(owner: string, saves: readonly { key: string; progress: HostProgress }[], leaseMs: number): Promise<Set<string>> {
    const now = nowIso();
    const until = leaseUntil(leaseMs);
    const saved = new Set<string>();
    for (const chunk of inChunks(saves)) {
      const rows = chunk.map(({ key, progress }) => {
        const done = DONE.includes(progress.status);
        const columns = stepColumns(progress);
        const firstStart =
          progress.steps
            .map((s) => s.startedAt)
            .filter((t): t is string => t !== null)
            .sort()[0] ?? null;
        const values = [
          key,
          columns.status,
          columns.register_host,
          columns.create_instance,
          columns.create_cluster,
          JSON.stringify(progress),
          firstStart,
          done ? now : null,
          done ? null : owner,
          done ? null : until,
        ];
        return sql`(${sql.join(values)})`;
      });
      // VALUES columns are column1… on both engines (SQLite takes no column list after the alias).
      const result = await sql<{ key: string }>`
        update registration_hosts set
          status = v.column2, register_host = v.column3, create_instance = v.column4, create_cluster = v.column5,
          progress = v.column6, updated_at = ${now}, started_at = coalesce(registration_hosts.started_at, v.column7),
          finished_at = v.column8, lease_owner = v.column9, lease_until = v.column10
        from (values ${sql.join(rows)}) as v
        where registration_hosts.key = v.column1 and registration_hosts.lease_owner = ${owner}
        returning registration_hosts.key`.execute(db);
      for (const row of result.rows) saved.add(row.key);
    }
    return saved;
  }

  async function findJobRow(project: string, id: string): Promise<RegistrationJobTable> {
    const row = await db.selectFrom('registration_jobs').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('registration job', id);
    return row;
  }

  return {
    async create(project, { options, defaults, plans }) {
      const now = nowIso();
      const job: RegistrationJobTable = {
        id: createId(),
        project,
        options: JSON.stringify(options),
        defaults: JSON.stringify(defaults),
        host_count: plans.length,
        created_at: now,
      };
      const start = createHostProgress(options);
      const rows = plans.map((plan): RegistrationHostTable => ({
        key: `${job.id}:${plan.index}`,
        job_id: job.id,
        project,
        idx: plan.index,
        ...stepColumns(start),
        plan: JSON.stringify(plan),
        progress: JSON.stringify(start),
        lease_owner: null,
        lease_until: null,
        started_at: null,
        finished_at: null,
        updated_at: now,
      }));
      await inTransaction(async (trx) => {
        await trx.insertInto('registration_jobs').values(job).execute();
        // Chunks keep each statement under both engines' bound-parameter limits.
        for (let i = 0; i < rows.length; i += 500)
          await trx
            .insertInto('registration_hosts')
            .values(rows.slice(i, i + 500))
            .execute();
      });
      // Every host is pending: the totals are known without reading back what was just written.
      const totals = { ...emptyHostTotals(), hosts: plans.length, pending: plans.length };
      const stepTotals: Partial<StepTotals> = {};
      for (const s of start.steps) stepTotals[s.step] = { ...emptyStepCounts(), pending: plans.length };
      return {
        id: job.id,
        project,
        status: computeJobStatus(totals),
        options,
        defaults,
        totals,
        stepTotals,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
      };
    },

    async get(project, id) {
      return withTotalsOf(await findJobRow(project, id));
    },

    async list(project, page) {
      const limit = pageLimit(page);
      const before = decodeCursor(page?.cursor);
      let query = db.selectFrom('registration_jobs').selectAll().where('project', '=', project);
      if (before) query = query.where('id', '<', before);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const { items, nextCursor } = toPage(rows, limit);
      return { items: await withTotals(items), nextCursor };
    },

    async listHosts(project, jobId, filter = {}, page) {
      await findJobRow(project, jobId);
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor);
      let query = db.selectFrom('registration_hosts').selectAll().where('job_id', '=', jobId);
      if (after) query = query.where('idx', '>', Number(after));
      if (filter.status) query = query.where('status', '=', filter.status);
      const rows = await query
        .orderBy('idx')
        .limit(limit + 1)
        .execute();
      const { items, nextCursor } = toPage(
        rows.map((r) => ({ id: indexCursor(r.idx), record: toRecord(r) })),
        limit,
      );
      return { items: items.map((i) => i.record), nextCursor };
    },

    async retry(project, jobId) {
      const job = await findJobRow(project, jobId);
      const { atomic } = JSON.parse(job.options) as RegistrationOptions;
      const failed = await db
        .selectFrom('registration_hosts')
        .select(['key', 'progress'])
        .where('job_id', '=', jobId)
        .where('status', '=', 'failed')
        .execute();
      const now = nowIso();
      for (const row of failed) {
        const progress = applyRetry(JSON.parse(row.progress) as HostProgress, atomic);
        await db
          .updateTable('registration_hosts')
          .set({
            ...stepColumns(progress),
            progress: JSON.stringify(progress),
            finished_at: null,
            lease_owner: null,
            lease_until: null,
            updated_at: now,
          })
          .where('key', '=', row.key)
          .where('status', '=', 'failed')
          .execute();
      }
      return failed.length;
    },

    async claim({ owner, limit, leaseMs }) {
      const take = async (trx: Db): Promise<ClaimedHost[]> => {
        const now = nowIso();
        let query = trx
          .selectFrom('registration_hosts')
          .innerJoin('registration_jobs', 'registration_jobs.id', 'registration_hosts.job_id')
          .select([
            'registration_hosts.key',
            'registration_hosts.job_id',
            'registration_hosts.project',
            'registration_hosts.idx',
            'registration_hosts.plan',
            'registration_hosts.progress',
            'registration_jobs.options',
          ])
          .where('registration_hosts.status', 'in', ['pending', 'running'])
          .where((eb) => eb.or([eb('registration_hosts.lease_until', 'is', null), eb('registration_hosts.lease_until', '<', now)]))
          .orderBy('registration_hosts.key')
          .limit(limit);
        if (engine === 'postgres') query = query.forUpdate('registration_hosts').skipLocked();
        const rows = await query.execute();
        if (rows.length === 0) return [];
        const keys = rows.map((r) => r.key);
        await trx
          .updateTable('registration_hosts')
          .set({ lease_owner: owner, lease_until: leaseUntil(leaseMs) })
          .where('key', 'in', keys)
          .execute();
        return rows.map((r) => ({
          key: r.key,
          jobId: r.job_id,
          project: r.project,
          index: r.idx,
          plan: JSON.parse(r.plan) as HostPlan,
          options: JSON.parse(r.options) as RegistrationOptions,
          progress: JSON.parse(r.progress) as HostProgress,
        }));
      };
      return inTransaction(take);
    },

    async hold(owner, keys, leaseMs) {
      const held = new Set<string>();
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await db
          .updateTable('registration_hosts')
          .set({ lease_until: leaseUntil(leaseMs) })
          .where('key', 'in', keys.slice(i, i + 500))
          .where('lease_owner', '=', owner)
          .returning('key')
          .execute();
        for (const r of rows) held.add(r.key);
      }
      return held;
    },

    async save(owner, key, progress, leaseMs) {
      return (await saveMany(owner, [{ key, progress }], leaseMs)).has(key);
    },

    saveMany,

    async releaseLeases(owner) {
      let query = db.updateTable('registration_hosts').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'is not', null);
      if (owner !== null) query = query.where('lease_owner', '=', owner);
      return Number((await query.executeTakeFirst()).numUpdatedRows);
    },
  };
}
