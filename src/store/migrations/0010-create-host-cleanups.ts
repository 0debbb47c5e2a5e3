/**
 * K3s cleanups owed by hosts that left a cluster while their agent was away (a forced delete, a node removed):
 * the host's desired state asks its agent to remove K3s until the agent reports it removed.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('host_cleanups')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('cluster', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('host_cleanups_pk', ['project', 'host_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('host_cleanups').execute();
}
