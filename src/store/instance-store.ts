import { AppError, notFound } from '../domain/errors.ts';
import { computeInstanceState, type Instance } from '../domain/inventory/instance.ts';
import { formatOsProfileRef } from '../domain/inventory/os-profile.ts';
import { createId, nowIso } from './create-id.ts';
import type { Db, InstanceTable } from './database.ts';
import { inChunks } from './in-chunks.ts';
import { insertOrConflict } from './store-errors.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import type { InstanceStore, OsProfileStore } from './store.ts';

const toInstance = (row: InstanceTable): Instance => ({
  id: row.id,
  project: row.project,
  hostId: row.host_id,
  osProfile: row.os_profile,
  osProfileVersion: row.os_profile_version,
  observedOsProfile: row.observed_os_profile,
  observedOsVersion: row.observed_os_version,
  state: computeInstanceState(row.os_profile, row.observed_os_profile),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function createInstanceStore(db: Db, osProfiles: OsProfileStore): InstanceStore {
  async function get(project: string, id: string): Promise<Instance> {
    const row = await db.selectFrom('instances').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('instance', id);
    return toInstance(row);
  }
  async function findByHost(project: string, hostId: string): Promise<Instance | null> {
    const row = await db
      .selectFrom('instances')
      .selectAll()
      .where('project', '=', project)
      .where('host_id', '=', hostId)
      .executeTakeFirst();
    return row ? toInstance(row) : null;
  }
  return {
    async create(project, { hostId, osProfile }) {
      const existing = await findByHost(project, hostId);
      if (existing)
        throw new AppError(
          'AlreadyExists',
          `host ${hostId} already has instance ${existing.id} (OS profile ${existing.osProfile}:${existing.osProfileVersion})`,
          {
            extra: { existing: { id: existing.id } },
          },
        );
      const host = await db.selectFrom('hosts').select('id').where('project', '=', project).where('id', '=', hostId).executeTakeFirst();
      if (!host) throw notFound('host', hostId);
      const profile = await osProfiles.find(project, osProfile);
      if (!profile) throw notFound('OS profile', formatOsProfileRef(osProfile));
      const now = nowIso();
      const row: InstanceTable = {
        id: createId(),
        project,
        host_id: hostId,
        os_profile: profile.name,
        os_profile_version: profile.version,
        observed_os_profile: null,
        observed_os_version: null,
        created_at: now,
        updated_at: now,
      };
      await insertOrConflict(`instance of host ${hostId}`, () => db.insertInto('instances').values(row).execute());
      return toInstance(row);
    },
    async createMany(project, inputs) {
      const now = nowIso();
      const rows = inputs.map(({ hostId, osProfile }): InstanceTable => ({
        id: createId(),
        project,
        host_id: hostId,
        os_profile: osProfile.name,
        os_profile_version: osProfile.version,
        observed_os_profile: null,
        observed_os_version: null,
        created_at: now,
        updated_at: now,
      }));
      for (const chunk of inChunks(rows))
        await insertOrConflict(`an instance of one of the hosts ${chunk[0]!.host_id} to ${chunk.at(-1)!.host_id}`, () =>
          db.insertInto('instances').values(chunk).execute(),
        );
      return rows.map(toInstance);
    },
    get,
    findByHost,
    async findByHosts(project, hostIds) {
      const found: Instance[] = [];
      for (const chunk of inChunks(hostIds)) {
        const rows = await db.selectFrom('instances').selectAll().where('project', '=', project).where('host_id', 'in', chunk).execute();
        for (const row of rows) found.push(toInstance(row));
      }
      return found;
    },
    async list(project, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor);
      let query = db.selectFrom('instances').selectAll().where('project', '=', project);
      if (after) query = query.where('id', '>', after);
      return toPage(
        (
          await query
            .orderBy('id')
            .limit(limit + 1)
            .execute()
        ).map(toInstance),
        limit,
      );
    },
    async setObserved(project, id, observedOsProfile, observedOsVersion = null) {
      const result = await db
        .updateTable('instances')
        .set({ observed_os_profile: observedOsProfile, observed_os_version: observedOsVersion, updated_at: nowIso() })
        .where('project', '=', project)
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('instance', id);
      return get(project, id);
    },
    async setOsProfile(project, id, osProfile) {
      if (!(await osProfiles.find(project, osProfile))) throw notFound('OS profile', formatOsProfileRef(osProfile));
      const result = await db
        .updateTable('instances')
        .set({ os_profile: osProfile.name, os_profile_version: osProfile.version, updated_at: nowIso() })
        .where('project', '=', project)
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('instance', id);
      return get(project, id);
    },
    async delete(project, id) {
      const result = await db.deleteFrom('instances').where('project', '=', project).where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('instance', id);
    },
  };
}
