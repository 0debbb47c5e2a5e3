import { sql } from 'kysely';
import { AppError, notFound } from '../domain/errors.ts';
import type { Host, HostRegistration, HostState } from '../domain/inventory/host.ts';
import { createId, nowIso } from './create-id.ts';
import type { Db, HostTable } from './database.ts';
import { inChunks } from './in-chunks.ts';
import { insertOrConflict } from './store-errors.ts';
import { prefixEnd } from './name-prefix.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import { createPreparedQueries } from './prepared-queries.ts';
import type { HostStore } from './store.ts';

export const toHost = (row: HostTable): Host => ({
  id: row.id,
  project: row.project,
  name: row.name,
  uuid: row.uuid,
  serial: row.serial,
  site: row.site,
  labels: JSON.parse(row.labels) as Record<string, string>,
  state: row.state as HostState,
  autoOnboard: row.auto_onboard === null ? null : row.auto_onboard === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The values of a host page's query; which of them are given is its shape (prepared-queries.ts). */
type HostListValues = { project: string; rows: number } & Partial<Record<'after' | 'state' | 'site' | 'prefix' | 'prefixEnd', string>> &
  Record<`label${number}`, string>;

/** LIKE pattern matching one `"key":"value"` pair of the labels JSON; label characters cannot contain quotes. */
const labelPattern = (key: string, value: string): string =>
  `%${JSON.stringify({ [key]: value }).slice(1, -1)}%`.replace(/[\\_]/g, (c) => `\\${c}`);

function newRows(project: string, registrations: readonly HostRegistration[]): HostTable[] {
  const now = nowIso();
  return registrations.map((registration) => ({
    id: createId(),
    project,
    name: registration.name,
    uuid: registration.uuid,
    serial: registration.serial,
    site: registration.site,
    labels: JSON.stringify(registration.labels),
    state: 'registered',
    auto_onboard: registration.autoOnboard === undefined ? null : Number(registration.autoOnboard),
    created_at: now,
    updated_at: now,
  }));
}

/** `engine` decides how the name prefix filter compares (see name-prefix.ts). */
export function createHostStore(db: Db, engine: 'sqlite' | 'postgres'): HostStore {
  const name = engine === 'postgres' ? sql<string>`name collate "C"` : sql<string>`name`;
  const prepared = createPreparedQueries(db);
  async function find(project: string, id: string): Promise<Host | null> {
    const row = await db.selectFrom('hosts').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return row ? toHost(row) : null;
  }
  async function get(project: string, id: string): Promise<Host> {
    const host = await find(project, id);
    if (!host) throw notFound('host', id);
    return host;
  }
  /** The first host that already holds one of the registration's unique values, and which value. */
  async function findClash(
    project: string,
    r: Pick<HostRegistration, 'uuid' | 'serial' | 'name'>,
    exceptId?: string,
  ): Promise<{ host: Host; field: 'uuid' | 'serial' | 'name' } | null> {
    for (const field of ['uuid', 'serial', 'name'] as const) {
      const value = r[field];
      if (value === null || value === undefined) continue;
      let query = db.selectFrom('hosts').selectAll().where('project', '=', project).where(field, '=', value);
      if (exceptId) query = query.where('id', '!=', exceptId);
      const row = await query.executeTakeFirst();
      if (row) return { host: toHost(row), field };
    }
    return null;
  }
  function conflict(clash: { host: Host; field: 'uuid' | 'serial' | 'name' }, value: string): AppError {
    return new AppError(
      'AlreadyExists',
      `a host with ${clash.field} ${value} is already registered: ${clash.host.name} (${clash.host.id})`,
      {
        field: clash.field,
        extra: { existing: { id: clash.host.id, name: clash.host.name } },
      },
    );
  }
  /** Hosts whose `field` is one of `values` (an IN list per chunk). */
  async function findWhereIn(project: string, field: 'uuid' | 'serial' | 'name', values: readonly string[]): Promise<Host[]> {
    const found: Host[] = [];
    for (const chunk of inChunks([...new Set(values)])) {
      const rows = await db.selectFrom('hosts').selectAll().where('project', '=', project).where(field, 'in', chunk).execute();
      for (const row of rows) found.push(toHost(row));
    }
    return found;
  }
  return {
    async register(project, registration) {
      const clash = await findClash(project, registration);
      if (clash) throw conflict(clash, String(registration[clash.field]));
      const [row] = newRows(project, [registration]);
      await insertOrConflict(`host ${registration.name}`, () => db.insertInto('hosts').values(row!).execute());
      return toHost(row!);
    },
    async registerMany(project, registrations) {
      const rows = newRows(project, registrations);
      for (const chunk of inChunks(rows))
        await insertOrConflict(`one of the hosts ${chunk[0]!.name} to ${chunk.at(-1)!.name}`, () =>
          db.insertInto('hosts').values(chunk).execute(),
        );
      return rows.map(toHost);
    },
    get,
    find,
    async findByReference(project, reference) {
      // One statement for a GET's lookup; the project in each alternative lets each use its own index. Unordered:
      // sorting the few rows found costs SQLite more than finding them.
      const rows = await prepared(
        'by-reference',
        (v: { project: string; id: string; name: string; serial: string | null; uuid: string | null }) =>
          db
            .selectFrom('hosts')
            .selectAll()
            .where((eb) =>
              eb.or(
                (['id', 'name', 'serial', 'uuid'] as const).map((column) =>
                  eb.and([eb('project', '=', v.project), eb(column, '=', v[column])]),
                ),
              ),
            ),
        { project, ...reference },
      );
      return rows.map(toHost);
    },
    async findByIdentity(project, { uuid, serial }) {
      if (uuid === null && serial === null) return null;
      const row = await db
        .selectFrom('hosts')
        .selectAll()
        .where('project', '=', project)
        .where((eb) => eb.or([...(uuid !== null ? [eb('uuid', '=', uuid)] : []), ...(serial !== null ? [eb('serial', '=', serial)] : [])]))
        .orderBy('id')
        .executeTakeFirst();
      return row ? toHost(row) : null;
    },
    async findByIdentities(project, identities) {
      const uuids = identities.flatMap((i) => (i.uuid === null ? [] : [i.uuid]));
      const serials = identities.flatMap((i) => (i.serial === null ? [] : [i.serial]));
      const byId = new Map<string, Host>();
      for (const host of [...(await findWhereIn(project, 'uuid', uuids)), ...(await findWhereIn(project, 'serial', serials))])
        byId.set(host.id, host);
      return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    findByNames: (project, names) => findWhereIn(project, 'name', names),
    async list(project, filter = {}, page) {
      const limit = pageLimit(page);
      const values: HostListValues = { project, rows: limit + 1 };
      const after = decodeCursor(page?.cursor);
      if (after) values.after = after;
      if (filter.state) values.state = filter.state;
      if (filter.site) values.site = filter.site;
      if (filter.namePrefix) {
        values.prefix = filter.namePrefix;
        const end = prefixEnd(filter.namePrefix);
        if (end !== null) values.prefixEnd = end;
      }
      const labels = Object.entries(filter.labels ?? {});
      labels.forEach(([key, value], i) => (values[`label${i}`] = labelPattern(key, value)));
      // Which filters are given, and how many labels, is the query's shape; their values are its parameters.
      const rows = await prepared(
        `list:${Object.keys(values).join(',')}`,
        (v: HostListValues) => {
          let query = db.selectFrom('hosts').selectAll().where('project', '=', v.project);
          if (after) query = query.where('id', '>', v.after!);
          if (filter.state) query = query.where('state', '=', v.state!);
          if (filter.site) query = query.where('site', '=', v.site!);
          if (filter.namePrefix) query = query.where(name, '>=', v.prefix!);
          if (values.prefixEnd !== undefined) query = query.where(name, '<', v.prefixEnd!);
          for (let i = 0; i < labels.length; i++) query = query.where(sql<boolean>`labels like ${v[`label${i}`]} escape '\\'`);
          return query.orderBy('id').limit(v.rows);
        },
        values,
      );
      return toPage(rows.map(toHost), limit);
    },
    async update(project, id, patch) {
      const host = await get(project, id);
      if (patch.name !== undefined && patch.name !== host.name) {
        const clash = await findClash(project, { uuid: null, serial: null, name: patch.name }, id);
        if (clash) throw conflict(clash, patch.name);
      }
      const values = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.site !== undefined ? { site: patch.site } : {}),
        ...(patch.labels !== undefined ? { labels: JSON.stringify(patch.labels) } : {}),
        updated_at: nowIso(),
      };
      await insertOrConflict(`host ${patch.name ?? host.name}`, () =>
        db.updateTable('hosts').set(values).where('project', '=', project).where('id', '=', id).execute(),
      );
      return get(project, id);
    },
    async setState(project, id, state) {
      const result = await db
        .updateTable('hosts')
        .set({ state, updated_at: nowIso() })
        .where('project', '=', project)
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('host', id);
      return get(project, id);
    },
    async delete(project, id) {
      const host = await get(project, id);
      const node = await db
        .selectFrom('cluster_nodes')
        .innerJoin('clusters', 'clusters.id', 'cluster_nodes.cluster_id')
        .select('clusters.name')
        .where('cluster_nodes.project', '=', project)
        .where('cluster_nodes.host_id', '=', id)
        .executeTakeFirst();
      if (node)
        throw new AppError(
          'InUse',
          `host ${host.name} is a node of cluster ${node.name}; delete the cluster or deauthorize the host first`,
          { extra: { usedBy: { cluster: node.name } } },
        );
      // The instance is the host's own record of its OS; it goes with the host.
      await db.deleteFrom('instances').where('project', '=', project).where('host_id', '=', id).execute();
      await db.deleteFrom('host_credentials').where('host_id', '=', id).execute();
      await db.deleteFrom('hosts').where('project', '=', project).where('id', '=', id).execute();
    },
  };
}
