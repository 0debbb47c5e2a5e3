/**
 * Indexes for what pages and looks up, and registration job totals kept as counters.
 * - Clusters and instances page by (project, id); hosts filtered by state page by (project, state, id). The host
 *   name prefix filter is a range over the (project, name) index; PostgreSQL compares it in the "C" collation
 *   (code point order, as SQLite's BINARY does), so it gets an index in that collation.
 * - registration_job_counts holds, per job, how many of its hosts have each value of the status and step
 *   columns. Triggers keep it with the rows, whichever statement writes them (one row or many), so a job's
 *   totals are read without touching its hosts. Hosts leave a job only with it (the counts go by cascade).
 *   The job's first start and last finish are read through (job_id, started_at) and (job_id, finished_at).
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

const COUNTED = ['status', 'register_host', 'create_instance', 'create_cluster'] as const;

/** `(field, value, d)` rows of one host row's counted columns, as SQL text; `d` is +1 or -1. */
const countedValues = (row: 'new' | 'old', d: 1 | -1): string =>
  COUNTED.map((column) => `select '${column}' as field, ${row}.${column} as value, ${d} as d`).join(' union all ');

async function createSqliteTriggers(db: Kysely<any>): Promise<void> {
  const upsert = (rows: string): string => `
    insert into registration_job_counts (job_id, field, value, n)
      select new.job_id, field, value, sum(d) from (${rows}) where value is not null group by field, value having sum(d) <> 0
      on conflict (job_id, field, value) do update set n = n + excluded.n;`;
  await sql
    .raw(`create trigger registration_hosts_counted_insert after insert on registration_hosts begin ${upsert(countedValues('new', 1))} end`)
    .execute(db);
  await sql
    .raw(
      `create trigger registration_hosts_counted_update after update of ${COUNTED.join(', ')} on registration_hosts
       begin ${upsert(`${countedValues('old', -1)} union all ${countedValues('new', 1)}`)} end`,
    )
    .execute(db);
}

async function createPostgresTriggers(db: Kysely<any>): Promise<void> {
  const values = COUNTED.map((column) => `('${column}', ${column})`).join(', ');
  const deltas = (table: string, d: 1 | -1): string =>
    `select job_id, c.field, c.value, ${d} as d from ${table} cross join lateral (values ${values}) as c(field, value)`;
  const upsert = (rows: string): string => `
    insert into registration_job_counts (job_id, field, value, n)
      select job_id, field, value, sum(d) from (${rows}) as changes where value is not null
      group by job_id, field, value having sum(d) <> 0
      on conflict (job_id, field, value) do update set n = registration_job_counts.n + excluded.n;`;
  // Statement-level with transition tables: a multi-row write costs one aggregated upsert, not one per row.
  await sql
    .raw(
      `create function registration_hosts_count() returns trigger language plpgsql as $$
       begin
         if tg_op = 'INSERT' then ${upsert(deltas('new_rows', 1))}
         else ${upsert(`${deltas('old_rows', -1)} union all ${deltas('new_rows', 1)}`)}
         end if;
         return null;
       end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger registration_hosts_counted_insert after insert on registration_hosts
       referencing new table as new_rows for each statement execute function registration_hosts_count()`,
    )
    .execute(db);
  // Transition tables cannot be combined with a column list: every UPDATE fires it, and rows whose counted
  // columns did not change cancel out (having sum(d) <> 0).
  await sql
    .raw(
      `create trigger registration_hosts_counted_update after update on registration_hosts
       referencing old table as old_rows new table as new_rows for each statement execute function registration_hosts_count()`,
    )
    .execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db);
  await db.schema.createIndex('clusters_project_id').ifNotExists().on('clusters').columns(['project', 'id']).execute();
  await db.schema.createIndex('instances_project_id').ifNotExists().on('instances').columns(['project', 'id']).execute();
  await db.schema.createIndex('hosts_project_state_id').ifNotExists().on('hosts').columns(['project', 'state', 'id']).execute();
  if (postgres) await sql`create index if not exists hosts_project_name_c on hosts (project, name collate "C")`.execute(db);
  await db.schema
    .createIndex('registration_hosts_job_started')
    .ifNotExists()
    .on('registration_hosts')
    .columns(['job_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('registration_hosts_job_finished')
    .ifNotExists()
    .on('registration_hosts')
    .columns(['job_id', 'finished_at'])
    .execute();

  await db.schema
    .createTable('registration_job_counts')
    .addColumn('job_id', 'text', (c) => c.notNull().references('registration_jobs.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registration_job_counts_pk', ['job_id', 'field', 'value'])
    .execute();
  for (const column of COUNTED)
    await sql`
      insert into registration_job_counts (job_id, field, value, n)
      select job_id, ${sql.lit(column)}, ${sql.ref(column)}, count(*) from registration_hosts where ${sql.ref(column)} is not null
      group by job_id, ${sql.ref(column)}`.execute(db);
  if (postgres) await createPostgresTriggers(db);
  else await createSqliteTriggers(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const on = isPostgres(db) ? ' on registration_hosts' : '';
  for (const trigger of ['registration_hosts_counted_insert', 'registration_hosts_counted_update'])
    await sql.raw(`drop trigger if exists ${trigger}${on}`).execute(db);
  if (isPostgres(db)) await sql`drop function if exists registration_hosts_count()`.execute(db);
  await db.schema.dropTable('registration_job_counts').ifExists().execute();
  for (const index of [
    'clusters_project_id',
    'instances_project_id',
    'hosts_project_state_id',
    'hosts_project_name_c',
    'registration_hosts_job_started',
    'registration_hosts_job_finished',
  ])
    await db.schema.dropIndex(index).ifExists().execute();
}
