/**
 * Multi-node clusters: each cluster keeps a join token (sealed, see secret-box.ts), each node the phase its agent
 * last reported, and each instance the image version its agent reports (an OS update is done when it matches).
 * Clusters stored before keep none: their first server generated its own token, so no node can join them.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('clusters').addColumn('join_token', 'text').execute();
  await db.schema.alterTable('cluster_nodes').addColumn('phase', 'text').execute();
  await db.schema.alterTable('instances').addColumn('observed_os_version', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('instances').dropColumn('observed_os_version').execute();
  await db.schema.alterTable('cluster_nodes').dropColumn('phase').execute();
  await db.schema.alterTable('clusters').dropColumn('join_token').execute();
}
