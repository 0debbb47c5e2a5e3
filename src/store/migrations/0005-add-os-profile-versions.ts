/**
 * OS profiles get versions: a profile is its name and version (the image version), several versions of a name
 * side by side, each with EMF's OS resource id. Rows stored before keep the version their document already
 * carries (osImageVersion or the manifest's image version) and get a resource id. Instances record the exact
 * version of their profile: existing ones get the only version that existed.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('os_profile_versions')
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('os_profile_versions_pk', ['project', 'name', 'version'])
    .addUniqueConstraint('os_profile_versions_resource_id', ['project', 'resource_id'])
    .execute();
  const rows = await db.selectFrom('os_profiles').select(['project', 'name', 'doc', 'created_at']).execute();
  for (const row of rows) {
    const doc = JSON.parse(row.doc) as Record<string, unknown>;
    const resourceId = `os-${randomBytes(4).toString('hex')}`;
    const upgraded = {
      ...doc,
      resourceId,
      securityFeature: null,
      provider: null,
      platformBundle: null,
      unusedFields: {},
    };
    await db
      .insertInto('os_profile_versions')
      .values({
        project: row.project,
        name: row.name,
        version: String(doc['version']),
        resource_id: resourceId,
        doc: JSON.stringify(upgraded),
        created_at: row.created_at,
      })
      .execute();
  }
  await db.schema.dropTable('os_profiles').execute();

  await db.schema.alterTable('instances').addColumn('os_profile_version', 'text').execute();
  await db
    .updateTable('instances')
    .set({
      os_profile_version: sql`(select v.version from os_profile_versions v where v.project = instances.project and v.name = instances.os_profile)`,
    })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('instances').dropColumn('os_profile_version').execute();
  await db.schema
    .createTable('os_profiles')
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('os_profiles_pk', ['project', 'name'])
    .execute();
  // Going back keeps the latest-created version of each name: the old table holds one.
  const rows = await db.selectFrom('os_profile_versions').select(['project', 'name', 'doc', 'created_at']).orderBy('created_at').execute();
  const latest = new Map(rows.map((r) => [`${r.project}/${r.name}`, r]));
  for (const row of latest.values()) await db.insertInto('os_profiles').values(row).execute();
  await db.schema.dropTable('os_profile_versions').execute();
}
