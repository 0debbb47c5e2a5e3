/**
 * Registration jobs and their hosts. A host row holds its plan and progress (JSON) plus the columns that are
 * filtered or counted: host status, each step's status, and the lease of the worker running it.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('registration_jobs')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('defaults', 'text', (c) => c.notNull())
    .addColumn('host_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registration_jobs_project').ifNotExists().on('registration_jobs').columns(['project', 'id']).execute();

  await db.schema
    .createTable('registration_hosts')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) => c.notNull().references('registration_jobs.id').onDelete('cascade'))
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('register_host', 'text')
    .addColumn('create_instance', 'text')
    .addColumn('create_cluster', 'text')
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('progress', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('registration_hosts_job')
    .ifNotExists()
    .unique()
    .on('registration_hosts')
    .columns(['job_id', 'idx'])
    .execute();
  await db.schema
    .createIndex('registration_hosts_job_status')
    .ifNotExists()
    .on('registration_hosts')
    .columns(['job_id', 'status', 'idx'])
    .execute();
  await db.schema.createIndex('registration_hosts_work').ifNotExists().on('registration_hosts').columns(['status', 'key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('registration_hosts').ifExists().execute();
  await db.schema.dropTable('registration_jobs').ifExists().execute();
}
