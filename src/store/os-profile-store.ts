import { randomBytes } from 'node:crypto';
import { AppError, notFound } from '../domain/errors.ts';
import { checkOsProfileRef, formatOsProfileRef, osProfileVersionSortKey, type OsProfile } from '../domain/inventory/os-profile.ts';
import { parsedProblems, parsedValue, type Parsed } from '../domain/problem.ts';
import { nowIso } from './create-id.ts';
import type { Db } from './database.ts';
import { documentKey, type DocumentCache } from './document-cache.ts';
import { nameInCodePointOrder, readNameVersionPage, type NameVersionRange } from './name-version-page.ts';
import { decodeCursorAs, pageLimit, toPage } from './paging.ts';
import { insertOrConflict } from './store-errors.ts';
import type { OsProfileStore } from './store.ts';

const profileOf = (row: { doc: string }): OsProfile => JSON.parse(row.doc) as OsProfile;

/** A page's cursor: the name:version of its last profile. */
function readPosition(text: string): Parsed<{ name: string; version: string }, string> {
  const ref = checkOsProfileRef(text);
  return ref.ok && ref.value.version !== undefined
    ? parsedValue({ name: ref.value.name, version: ref.value.version })
    : parsedProblems(text);
}

/** `engine` decides how names compare: in code point order on both (see migration 0017). */
export function createOsProfileStore(db: Db, documents: DocumentCache<{ doc: string }>, engine: 'sqlite' | 'postgres'): OsProfileStore {
  const nameColumn = nameInCodePointOrder(engine);
  /** Versions by name, the latest first (the version_key order reversed), of one range (see name-version-page.ts). */
  async function readRange(project: string, only: string | undefined, range: NameVersionRange, rows?: number): Promise<OsProfile[]> {
    let query = db.selectFrom('os_profile_versions').select('doc').where('project', '=', project);
    if (only !== undefined) query = query.where(nameColumn, '=', only);
    if ('name' in range) query = query.where(nameColumn, '=', range.name).where('version_key', '<', range.beyondVersionKey);
    else if (range.afterName !== null) query = query.where(nameColumn, '>', range.afterName);
    query = query.orderBy(nameColumn).orderBy('version_key', 'desc');
    return (await (rows === undefined ? query : query.limit(rows)).execute()).map(profileOf);
  }
  const find: OsProfileStore['find'] = async (project, ref) => {
    if (ref.version === undefined) return (await readRange(project, ref.name, { afterName: null }, 1))[0] ?? null;
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
            version_key: osProfileVersionSortKey(profile.version),
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
    async list(project, filter = {}, page) {
      const limit = pageLimit(page);
      const rows = await readNameVersionPage({
        rows: limit + 1,
        after: decodeCursorAs(page?.cursor, readPosition),
        versionKey: osProfileVersionSortKey,
        read: (range, rows) => readRange(project, filter.name || undefined, range, rows),
      });
      return toPage(rows, limit, formatOsProfileRef);
    },
    versions: (project, name) => readRange(project, name, { afterName: null }),
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
      const lastVersion = (await readRange(project, name, { afterName: null }, 2)).length === 1;
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
