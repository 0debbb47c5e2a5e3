import { randomBytes } from 'node:crypto';
import { AppError, notFound } from '../domain/errors.ts';
import { compareOsProfileVersions, formatOsProfileRef, type OsProfile } from '../domain/inventory/os-profile.ts';
import { nowIso } from './create-id.ts';
import type { Db } from './database.ts';
import { documentKey, type DocumentCache } from './document-cache.ts';
import { insertOrConflict } from './store-errors.ts';
import type { OsProfileStore } from './store.ts';

const profileOf = (row: { doc: string }): OsProfile => JSON.parse(row.doc) as OsProfile;

/** The highest version first (compareOsProfileVersions), then by name. */
const byNameThenLatest = (a: OsProfile, b: OsProfile): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : compareOsProfileVersions(b.version, a.version);

export function createOsProfileStore(db: Db, documents: DocumentCache<{ doc: string }>): OsProfileStore {
  async function versionsOf(project: string, name: string): Promise<OsProfile[]> {
    const rows = await db.selectFrom('os_profile_versions').select('doc').where('project', '=', project).where('name', '=', name).execute();
    return rows.map(profileOf).sort(byNameThenLatest);
  }
  const find: OsProfileStore['find'] = async (project, ref) => {
    if (ref.version === undefined) return (await versionsOf(project, ref.name))[0] ?? null;
    const version = ref.version;
    const row = await documents.read(documentKey(project, ref.name, version), () =>
      db
        .selectFrom('os_profile_versions')
        .select('doc')
        .where('project', '=', project)
        .where('name', '=', ref.name)
        .where('version', '=', version)
        .executeTakeFirst(),
    );
    return row ? profileOf(row) : null;
  };
  return {
    async create(project, profile) {
      if (await find(project, profile)) {
        throw new AppError(
          'AlreadyExists',
          `OS profile ${formatOsProfileRef(profile)} already exists in project ${project}; import the new image version as a new version`,
          { extra: { existing: { name: profile.name, version: profile.version } } },
        );
      }
      const stored: OsProfile = { ...profile, resourceId: profile.resourceId ?? `os-${randomBytes(4).toString('hex')}` };
      await insertOrConflict(`OS profile ${formatOsProfileRef(profile)} (resource id ${stored.resourceId})`, () =>
        db
          .insertInto('os_profile_versions')
          .values({
            project,
            name: profile.name,
            version: profile.version,
            resource_id: stored.resourceId!,
            doc: JSON.stringify(stored),
            created_at: nowIso(),
          })
          .execute(),
      );
      return stored;
    },
    find,
    async get(project, ref) {
      const profile = await find(project, ref);
      if (!profile) throw notFound('OS profile', formatOsProfileRef(ref));
      return profile;
    },
    async list(project, filter = {}) {
      let query = db.selectFrom('os_profile_versions').select('doc').where('project', '=', project);
      if (filter.name) query = query.where('name', '=', filter.name);
      return (await query.execute()).map(profileOf).sort(byNameThenLatest);
    },
    async delete(project, { name, version }) {
      const ref = formatOsProfileRef({ name, version });
      const instance = await db
        .selectFrom('instances')
        .select('id')
        .where('project', '=', project)
        .where('os_profile', '=', name)
        .where('os_profile_version', '=', version)
        .executeTakeFirst();
      // A cluster names the profile without a version; it holds on to the last version of the name.
      const lastVersion = (await versionsOf(project, name)).length === 1;
      const cluster = lastVersion
        ? await db.selectFrom('clusters').select('name').where('project', '=', project).where('os_profile', '=', name).executeTakeFirst()
        : undefined;
      if (instance || cluster) {
        throw new AppError('InUse', `OS profile ${ref} is in use by ${instance ? `instance ${instance.id}` : `cluster ${cluster!.name}`}`, {
          extra: { usedBy: instance ? { instance: instance.id } : { cluster: cluster!.name } },
        });
      }
      documents.forget(documentKey(project, name, version));
      const result = await db
        .deleteFrom('os_profile_versions')
        .where('project', '=', project)
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('OS profile', ref);
    },
  };
}
