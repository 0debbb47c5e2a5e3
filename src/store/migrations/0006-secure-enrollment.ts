/**
 * Enrollment that cannot take over a host: enrollment tokens get an expiry and an optional use count, API tokens
 * an optional expiry, and onboarding may wait for approval (per project, overridden per host).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enrollment_tokens').addColumn('expires_at', 'text').execute();
  await db.schema.alterTable('enrollment_tokens').addColumn('max_uses', 'integer').execute();
  await db.schema
    .alterTable('enrollment_tokens')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
  // 1: hosts onboard when their agent enrolls (the behaviour before approval existed); 0: they wait for approval.
  await db.schema
    .alterTable('projects')
    .addColumn('auto_onboard', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Null: the project's setting applies.
  await db.schema.alterTable('hosts').addColumn('auto_onboard', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hosts').dropColumn('auto_onboard').execute();
  await db.schema.alterTable('projects').dropColumn('auto_onboard').execute();
  await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
  for (const column of ['uses', 'max_uses', 'expires_at']) await db.schema.alterTable('enrollment_tokens').dropColumn(column).execute();
}
