/**
 * The onboarding lobby: one request per unknown machine (identity) and project, pending or rejected; and each
 * host's last agent report, for the host details.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('onboarding_requests')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('lobby_key', 'text', (c) => c.notNull())
    .addColumn('uuid', 'text')
    .addColumn('serial', 'text')
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('token_name', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('onboarding_requests_machine')
    .ifNotExists()
    .unique()
    .on('onboarding_requests')
    .columns(['project', 'lobby_key'])
    .execute();
  await db.schema
    .createIndex('onboarding_requests_state')
    .ifNotExists()
    .on('onboarding_requests')
    .columns(['project', 'state', 'id'])
    .execute();
  await db.schema
    .createTable('host_reports')
    .ifNotExists()
    .addColumn('host_id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('host_reports').ifExists().execute();
  await db.schema.dropTable('onboarding_requests').ifExists().execute();
}
