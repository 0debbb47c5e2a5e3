import { randomBytes } from 'node:crypto';
import { AppError, notFound } from '../domain/errors.ts';
import type { Cluster, ClusterNode, ClusterPhase, NodePhase, NodeRole } from '../domain/inventory/cluster.ts';
import { STALE_PHASES } from '../domain/inventory/cluster-staleness.ts';
import { reasonCodes } from '../domain/reasons.ts';
import { createId, nowIso } from './create-id.ts';
import type { ClusterTable, Db } from './database.ts';
import { inChunks } from './in-chunks.ts';
import { insertOrConflict, isUniqueViolation } from './store-errors.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import type { SecretBox } from './secret-box.ts';
import type { ClusterStore, NewCluster } from './store.ts';

/** Fields kept in the JSON document; the rest are columns. */
type ClusterDoc = Omit<Cluster, 'id' | 'project' | 'name' | 'template' | 'osProfile' | 'phase' | 'nodes' | 'createdAt' | 'updatedAt'>;

function toCluster(row: ClusterTable, nodes: ClusterNode[]): Cluster {
  const doc = JSON.parse(row.doc) as ClusterDoc;
  return {
    id: row.id,
    project: row.project,
    name: row.name,
    template: { name: row.template_name, version: row.template_version },
    flavor: doc.flavor,
    kubernetesVersion: doc.kubernetesVersion,
    osProfile: row.os_profile,
    nodes,
    airGapped: doc.airGapped,
    airGappedOverride: doc.airGappedOverride,
    driver: doc.driver,
    phase: row.phase as ClusterPhase,
    message: doc.message,
    ...(doc.reason ? { reason: doc.reason } : {}),
    labels: doc.labels,
    autoCreated: doc.autoCreated,
    deletionPolicy: doc.deletionPolicy,
    ...(doc.upgrade ? { upgrade: doc.upgrade } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDoc(c: Omit<Cluster, 'id' | 'project' | 'createdAt' | 'updatedAt'>): string {
  const doc: ClusterDoc = {
    flavor: c.flavor,
    kubernetesVersion: c.kubernetesVersion,
    airGapped: c.airGapped,
    airGappedOverride: c.airGappedOverride,
    driver: c.driver,
    message: c.message,
    ...(c.reason ? { reason: c.reason } : {}),
    labels: c.labels,
    autoCreated: c.autoCreated,
    deletionPolicy: c.deletionPolicy,
    ...(c.upgrade ? { upgrade: c.upgrade } : {}),
  };
  return JSON.stringify(doc);
}

/** What a cluster's sealed kubeconfig is bound to. */
const kubeconfigContext = (clusterId: string): string => `clusters.kubeconfig:${clusterId}`;
/** What a cluster's sealed join token is bound to. */
const joinTokenContext = (clusterId: string): string => `clusters.join_token:${clusterId}`;
/** K3s accepts any string as a token; 32 random bytes, hex, leave nothing to guess. */
const createJoinToken = (): string => randomBytes(32).toString('hex');

function newRows(project: string, clusters: readonly NewCluster[], sealJoinToken: (clusterId: string) => string): ClusterTable[] {
  const now = nowIso();
  return clusters.map((cluster) => {
    const id = createId();
    return {
      id,
      project,
      name: cluster.name,
      template_name: cluster.template.name,
      template_version: cluster.template.version,
      os_profile: cluster.osProfile,
      phase: cluster.phase,
      doc: toDoc(cluster),
      kubeconfig: null,
      join_token: sealJoinToken(id),
      created_at: now,
      updated_at: now,
    };
  });
}

export function createClusterStore(db: Db, secrets: SecretBox): ClusterStore {
  const sealJoinToken = (clusterId: string): string => secrets.seal(createJoinToken(), joinTokenContext(clusterId));
  async function nodesOf(clusterIds: string[]): Promise<Map<string, ClusterNode[]>> {
    const byCluster = new Map<string, ClusterNode[]>(clusterIds.map((id) => [id, []]));
    if (clusterIds.length === 0) return byCluster;
    for (const chunk of inChunks(clusterIds)) {
      const rows = await db.selectFrom('cluster_nodes').selectAll().where('cluster_id', 'in', chunk).orderBy('position').execute();
      for (const r of rows)
        byCluster
          .get(r.cluster_id)
          ?.push({ hostId: r.host_id, role: r.role as NodeRole, ...(r.phase ? { phase: r.phase as NodePhase } : {}) });
    }
    return byCluster;
  }
  async function withNodes(rows: ClusterTable[]): Promise<Cluster[]> {
    const nodes = await nodesOf(rows.map((r) => r.id));
    return rows.map((r) => toCluster(r, nodes.get(r.id) ?? []));
  }
  async function find(project: string, name: string): Promise<Cluster | null> {
    const row = await db.selectFrom('clusters').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return row ? (await withNodes([row]))[0]! : null;
  }
  async function get(project: string, name: string): Promise<Cluster> {
    const cluster = await find(project, name);
    if (!cluster) throw notFound('cluster', name);
    return cluster;
  }
  /** Each host exists and is no other cluster's node; nothing is written. */
  async function checkNodes(project: string, clusterId: string | null, nodes: ClusterNode[]): Promise<void> {
    for (const node of nodes) {
      let taken = db
        .selectFrom('cluster_nodes')
        .innerJoin('clusters', 'clusters.id', 'cluster_nodes.cluster_id')
        .select('clusters.name')
        .where('cluster_nodes.project', '=', project)
        .where('cluster_nodes.host_id', '=', node.hostId);
      if (clusterId !== null) taken = taken.where('cluster_nodes.cluster_id', '!=', clusterId);
      const other = await taken.executeTakeFirst();
      if (other)
        throw new AppError('AlreadyExists', `host ${node.hostId} is already a node of cluster ${other.name}`, {
          field: 'nodes',
          reason: reasonCodes.ClusterConflict,
          extra: { existing: { cluster: other.name } },
        });
      const host = await db
        .selectFrom('hosts')
        .select('id')
        .where('project', '=', project)
        .where('id', '=', node.hostId)
        .executeTakeFirst();
      if (!host) throw notFound('host', node.hostId);
    }
  }
  /**
   * Inserts the nodes: the (project, host) primary key is the claim, so a create that raced past checkNodes
   * fails here, and its transaction rolls back whole.
   */
  async function claimNodes(project: string, clusterId: string, nodes: { node: ClusterNode; position: number }[]): Promise<void> {
    if (nodes.length === 0) return;
    try {
      await db
        .insertInto('cluster_nodes')
        .values(
          nodes.map(({ node, position }) => ({
            project,
            host_id: node.hostId,
            cluster_id: clusterId,
            role: node.role,
            position,
            phase: null,
          })),
        )
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new AppError(
        'AlreadyExists',
        `a host of ${nodes.map((n) => n.node.hostId).join(', ')} is already a node: claimed by another cluster at the same time, or listed twice`,
        {
          field: 'nodes',
          reason: reasonCodes.ClusterConflict,
          cause: error,
        },
      );
    }
  }
  async function putNodes(project: string, clusterId: string, nodes: ClusterNode[]): Promise<void> {
    await checkNodes(project, clusterId, nodes);
    const current = await db.selectFrom('cluster_nodes').select('host_id').where('cluster_id', '=', clusterId).execute();
    const wanted = new Set(nodes.map((n) => n.hostId));
    const gone = current.map((r) => r.host_id).filter((id) => !wanted.has(id));
    if (gone.length > 0) await db.deleteFrom('cluster_nodes').where('cluster_id', '=', clusterId).where('host_id', 'in', gone).execute();
    const kept = new Set(current.map((r) => r.host_id));
    for (const [position, node] of nodes.entries()) {
      if (kept.has(node.hostId))
        await db
          .updateTable('cluster_nodes')
          .set({ role: node.role, position })
          .where('cluster_id', '=', clusterId)
          .where('host_id', '=', node.hostId)
          .execute();
    }
    await claimNodes(
      project,
      clusterId,
      [...nodes.entries()].filter(([, n]) => !kept.has(n.hostId)).map(([position, node]) => ({ node, position })),
    );
  }
  return {
    async create(project, cluster: NewCluster) {
      if (await find(project, cluster.name))
        throw new AppError('AlreadyExists', `cluster ${cluster.name} already exists in project ${project}`, {
          field: 'name',
          extra: { existing: { name: cluster.name } },
        });
      await checkNodes(project, null, cluster.nodes);
      const [row] = newRows(project, [cluster], sealJoinToken);
      await insertOrConflict(`cluster ${cluster.name}`, () => db.insertInto('clusters').values(row!).execute());
      await claimNodes(
        project,
        row!.id,
        cluster.nodes.map((node, position) => ({ node, position })),
      );
      return toCluster(row!, cluster.nodes);
    },
    async createMany(project, clusters) {
      const rows = newRows(project, clusters, sealJoinToken);
      const nodes = rows.flatMap((row, i) =>
        clusters[i]!.nodes.map((n, position) => ({ project, host_id: n.hostId, cluster_id: row.id, role: n.role, position })),
      );
      for (const chunk of inChunks(rows))
        await insertOrConflict(`one of the clusters ${chunk[0]!.name} to ${chunk.at(-1)!.name}`, () =>
          db.insertInto('clusters').values(chunk).execute(),
        );
      for (const chunk of inChunks(nodes))
        await insertOrConflict(`a node of one of the clusters ${clusters[0]!.name} to ${clusters.at(-1)!.name}`, () =>
          db.insertInto('cluster_nodes').values(chunk).execute(),
        );
      return rows.map((row, i) => toCluster(row, clusters[i]!.nodes));
    },
    get,
    find,
    async findByNames(project, names) {
      const rows: ClusterTable[] = [];
      for (const chunk of inChunks([...new Set(names)]))
        rows.push(...(await db.selectFrom('clusters').selectAll().where('project', '=', project).where('name', 'in', chunk).execute()));
      return withNodes(rows);
    },
    async findByHosts(project, hostIds) {
      const rows: ClusterTable[] = [];
      for (const chunk of inChunks([...new Set(hostIds)]))
        rows.push(
          ...(await db
            .selectFrom('cluster_nodes')
            .innerJoin('clusters', 'clusters.id', 'cluster_nodes.cluster_id')
            .selectAll('clusters')
            .where('cluster_nodes.project', '=', project)
            .where('cluster_nodes.host_id', 'in', chunk)
            .execute()),
        );
      return withNodes([...new Map(rows.map((r) => [r.id, r])).values()]);
    },
    async findByHost(project, hostId) {
      // A scalar subquery rather than a join: every agent's poll runs this, and better-sqlite3 answers a join
      // several times slower than the same lookups through a subquery (measured, bench/agents-install-plan).
      const row = await db
        .selectFrom('clusters')
        .selectAll()
        .where('id', '=', (eb) =>
          eb
            .selectFrom('cluster_nodes')
            .select('cluster_nodes.cluster_id')
            .where('cluster_nodes.project', '=', project)
            .where('cluster_nodes.host_id', '=', hostId),
        )
        .executeTakeFirst();
      return row ? (await withNodes([row]))[0]! : null;
    },
    async list(project, page, filter) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor);
      let query = db.selectFrom('clusters').selectAll().where('project', '=', project);
      if (after) query = query.where('id', '>', after);
      if (filter?.stale) {
        const { stale, cutoff } = filter.stale;
        query = query.where((eb) => {
          const isStale = eb.and([eb('phase', 'in', [...STALE_PHASES]), eb('updated_at', '<', cutoff)]);
          return stale ? isStale : eb.not(isStale);
        });
      }
      return toPage(
        await withNodes(
          await query
            .orderBy('id')
            .limit(limit + 1)
            .execute(),
        ),
        limit,
      );
    },
    async update(project, name, patch) {
      const cluster = await get(project, name);
      const next = { ...cluster, ...patch };
      await db
        .updateTable('clusters')
        .set({ phase: next.phase, doc: toDoc(next), updated_at: nowIso() })
        .where('id', '=', cluster.id)
        .execute();
      if (patch.nodes) await putNodes(project, cluster.id, patch.nodes);
      return get(project, name);
    },
    async lock(project, name) {
      const { id } = await get(project, name);
      // Touching the row takes its lock (PostgreSQL; SQLite runs one writing transaction at a time).
      await db.updateTable('clusters').set({ updated_at: nowIso() }).where('id', '=', id).execute();
      return get(project, name);
    },
    async addNodes(project, name, nodes) {
      const { id } = await get(project, name);
      // Touching the row takes its lock (PostgreSQL), so concurrent joins append one after the other.
      await db.updateTable('clusters').set({ updated_at: nowIso() }).where('id', '=', id).execute();
      const current = (await nodesOf([id])).get(id) ?? [];
      await checkNodes(project, id, nodes);
      await claimNodes(
        project,
        id,
        nodes.map((node, i) => ({ node, position: current.length + i })),
      );
      return get(project, name);
    },
    async setNodePhase(project, name, hostId, phase) {
      const { id } = await get(project, name);
      await db.updateTable('cluster_nodes').set({ phase }).where('cluster_id', '=', id).where('host_id', '=', hostId).execute();
    },
    async getJoinToken(project, name) {
      const row = await db
        .selectFrom('clusters')
        .select(['id', 'join_token'])
        .where('project', '=', project)
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) throw notFound('cluster', name);
      return row.join_token === null ? null : secrets.open(row.join_token, joinTokenContext(row.id));
    },
    async recordCleanup(project, hostId, cluster) {
      await db.deleteFrom('host_cleanups').where('project', '=', project).where('host_id', '=', hostId).execute();
      await db.insertInto('host_cleanups').values({ project, host_id: hostId, cluster, created_at: nowIso() }).execute();
    },
    async findCleanup(project, hostId) {
      const row = await db
        .selectFrom('host_cleanups')
        .select('cluster')
        .where('project', '=', project)
        .where('host_id', '=', hostId)
        .executeTakeFirst();
      return row?.cluster ?? null;
    },
    async clearCleanup(project, hostId) {
      await db.deleteFrom('host_cleanups').where('project', '=', project).where('host_id', '=', hostId).execute();
    },
    async setKubeconfig(project, name, kubeconfig) {
      const { id } = await get(project, name);
      await db
        .updateTable('clusters')
        .set({ kubeconfig: secrets.seal(kubeconfig, kubeconfigContext(id)) })
        .where('id', '=', id)
        .execute();
    },
    async getKubeconfig(project, name) {
      const row = await db
        .selectFrom('clusters')
        .select(['id', 'kubeconfig'])
        .where('project', '=', project)
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) throw notFound('cluster', name);
      return row.kubeconfig === null ? null : secrets.open(row.kubeconfig, kubeconfigContext(row.id));
    },
    async resealSecrets() {
      let changed = 0;
      for (const [column, contextOf] of [
        ['kubeconfig', kubeconfigContext],
        ['join_token', joinTokenContext],
      ] as const) {
        const rows = await db
          .selectFrom('clusters')
          .select(['id', column])
          .where(column, 'is not', null)
          .where(column, 'not like', `${secrets.sealedPrefix}%`)
          .execute();
        for (const row of rows) {
          const stored = row[column as keyof typeof row]!;
          const context = contextOf(row.id);
          await db
            .updateTable('clusters')
            .set({ [column]: secrets.seal(secrets.open(stored, context), context) })
            .where('id', '=', row.id)
            .where(column, '=', stored)
            .execute();
        }
        changed += rows.length;
      }
      return changed;
    },
    async countSecrets() {
      const sealed = `${secrets.sealedPrefix}%`;
      const row = await db
        .selectFrom('clusters')
        .select((eb) => [
          eb.fn.count<number>('kubeconfig').as('kubeconfigs'),
          eb.fn.count<number>('join_token').as('tokens'),
          eb.fn.sum<number>(eb.case().when('kubeconfig', 'like', sealed).then(1).else(0).end()).as('kubeconfigsCurrent'),
          eb.fn.sum<number>(eb.case().when('join_token', 'like', sealed).then(1).else(0).end()).as('tokensCurrent'),
        ])
        .executeTakeFirstOrThrow();
      return {
        total: Number(row.kubeconfigs) + Number(row.tokens),
        underCurrentKey: Number(row.kubeconfigsCurrent ?? 0) + Number(row.tokensCurrent ?? 0),
      };
    },
    async delete(project, name) {
      const cluster = await get(project, name);
      await db.deleteFrom('cluster_nodes').where('cluster_id', '=', cluster.id).execute();
      await db.deleteFrom('clusters').where('id', '=', cluster.id).execute();
    },
  };
}
