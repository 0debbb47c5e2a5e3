/** Host credentials expire (agents renew them); credentials issued before have none until their agent renews. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('host_credentials').addColumn('expires_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('host_credentials').dropColumn('expires_at').execute();
}
