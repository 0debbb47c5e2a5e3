/** A project's cluster driver and Cluster API management cluster (its kubeconfig sealed, as clusters' are). */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('management_clusters')
    .addColumn('project', 'text', (c) => c.primaryKey())
    .addColumn('cluster_driver', 'text', (c) => c.notNull().defaultTo('agent'))
    .addColumn('kubeconfig', 'text')
    .addColumn('server', 'text')
    .addColumn('namespace', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('management_clusters').execute();
}
