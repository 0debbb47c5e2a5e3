import { AppError, notFound } from '../domain/errors.ts';
import type { OsProfile } from '../domain/inventory/os-profile.ts';
import { nowIso } from './create-id.ts';
import type { Db } from './database.ts';
import { insertOrConflict } from './store-errors.ts';
import type { OsProfileStore } from './store.ts';

export function createOsProfileStore(db: Db): OsProfileStore {
  async function find(project: string, name: string): Promise<OsProfile | null> {
    const row = await db.selectFrom('os_profiles').select('doc').where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return row ? (JSON.parse(row.doc) as OsProfile) : null;
  }
  return {
    async create(project, profile) {
      if (await find(project, profile.name)) {
        throw new AppError('AlreadyExists', `OS profile ${profile.name} already exists in project ${project}`, {
          extra: { existing: { name: profile.name } },
        });
      }
      await insertOrConflict(`OS profile ${profile.name}`, () =>
        db
          .insertInto('os_profiles')
          .values({ project, name: profile.name, doc: JSON.stringify(profile), created_at: nowIso() })
          .execute(),
      );
      return profile;
    },
    find,
    async get(project, name) {
      const profile = await find(project, name);
      if (!profile) throw notFound('OS profile', name);
      return profile;
    },
    async list(project) {
      const rows = await db.selectFrom('os_profiles').select('doc').where('project', '=', project).orderBy('name').execute();
      return rows.map((r) => JSON.parse(r.doc) as OsProfile);
    },
    async delete(project, name) {
      const instance = await db
        .selectFrom('instances')
        .select('id')
        .where('project', '=', project)
        .where('os_profile', '=', name)
        .executeTakeFirst();
      const cluster = await db
        .selectFrom('clusters')
        .select('name')
        .where('project', '=', project)
        .where('os_profile', '=', name)
        .executeTakeFirst();
      if (instance || cluster) {
        throw new AppError(
          'InUse',
          `OS profile ${name} is in use by ${instance ? `instance ${instance.id}` : `cluster ${cluster!.name}`}`,
          { extra: { usedBy: instance ? { instance: instance.id } : { cluster: cluster!.name } } },
        );
      }
      const result = await db.deleteFrom('os_profiles').where('project', '=', project).where('name', '=', name).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('OS profile', name);
    },
  };
}
