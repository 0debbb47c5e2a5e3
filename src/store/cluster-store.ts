import { AppError, notFound } from '../domain/errors.ts';
import type { Cluster, ClusterNode, ClusterPhase, NodeRole } from '../domain/inventory/cluster.ts';
import { createId, nowIso } from './create-id.ts';
import type { ClusterTable, Db } from './database.ts';
import { inChunks } from './in-chunks.ts';
import { insertOrConflict } from './store-errors.ts';
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
    labels: doc.labels,
    autoCreated: doc.autoCreated,
    deletionPolicy: doc.deletionPolicy,
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
    labels: c.labels,
    autoCreated: c.autoCreated,
    deletionPolicy: c.deletionPolicy,
  };
  return JSON.stringify(doc);
}

/** What a cluster's sealed kubeconfig is bound to. */
const kubeconfigContext = (clusterId: string): string => `clusters.kubeconfig:${clusterId}`;

function newRows(project: string, clusters: readonly NewCluster[]): ClusterTable[] {
  const now = nowIso();
  return clusters.map((cluster) => ({
    id: createId(),
    project,
    name: cluster.name,
    template_name: cluster.template.name,
    template_version: cluster.template.version,
    os_profile: cluster.osProfile,
    phase: cluster.phase,
    doc: toDoc(cluster),
    kubeconfig: null,
    created_at: now,
    updated_at: now,
  }));
}

export function createClusterStore(db: Db, secrets: SecretBox): ClusterStore {
  async function nodesOf(clusterIds: string[]): Promise<Map<string, ClusterNode[]>> {
    const byCluster = new Map<string, ClusterNode[]>(clusterIds.map((id) => [id, []]));
    if (clusterIds.length === 0) return byCluster;
    for (const chunk of inChunks(clusterIds)) {
      const rows = await db.selectFrom('cluster_nodes').selectAll().where('cluster_id', 'in', chunk).orderBy('position').execute();
      for (const r of rows) byCluster.get(r.cluster_id)?.push({ hostId: r.host_id, role: r.role as NodeRole });
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
  async function putNodes(project: string, clusterId: string, clusterName: string, nodes: ClusterNode[]): Promise<void> {
    for (const node of nodes) {
      const taken = await db
        .selectFrom('cluster_nodes')
        .innerJoin('clusters', 'clusters.id', 'cluster_nodes.cluster_id')
        .select('clusters.name')
        .where('cluster_nodes.project', '=', project)
        .where('cluster_nodes.host_id', '=', node.hostId)
        .where('cluster_nodes.cluster_id', '!=', clusterId)
        .executeTakeFirst();
      if (taken)
        throw new AppError('AlreadyExists', `host ${node.hostId} is already a node of cluster ${taken.name}`, {
          field: 'nodes',
          extra: { existing: { cluster: taken.name } },
        });
      const host = await db
        .selectFrom('hosts')
        .select('id')
        .where('project', '=', project)
        .where('id', '=', node.hostId)
        .executeTakeFirst();
      if (!host) throw notFound('host', node.hostId);
    }
    await db.deleteFrom('cluster_nodes').where('cluster_id', '=', clusterId).execute();
    if (nodes.length > 0) {
      await insertOrConflict(`a node of cluster ${clusterName}`, () =>
        db
          .insertInto('cluster_nodes')
          .values(nodes.map((n, position) => ({ project, host_id: n.hostId, cluster_id: clusterId, role: n.role, position })))
          .execute(),
      );
    }
  }
  return {
    async create(project, cluster: NewCluster) {
      if (await find(project, cluster.name))
        throw new AppError('AlreadyExists', `cluster ${cluster.name} already exists in project ${project}`, {
          field: 'name',
          extra: { existing: { name: cluster.name } },
        });
      const [row] = newRows(project, [cluster]);
      await insertOrConflict(`cluster ${cluster.name}`, () => db.insertInto('clusters').values(row!).execute());
      await putNodes(project, row!.id, cluster.name, cluster.nodes);
      return toCluster(row!, cluster.nodes);
    },
    async createMany(project, clusters) {
      const rows = newRows(project, clusters);
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
      const row = await db
        .selectFrom('cluster_nodes')
        .innerJoin('clusters', 'clusters.id', 'cluster_nodes.cluster_id')
        .selectAll('clusters')
        .where('cluster_nodes.project', '=', project)
        .where('cluster_nodes.host_id', '=', hostId)
        .executeTakeFirst();
      return row ? (await withNodes([row]))[0]! : null;
    },
    async list(project, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor);
      let query = db.selectFrom('clusters').selectAll().where('project', '=', project);
      if (after) query = query.where('id', '>', after);
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
      if (patch.nodes) await putNodes(project, cluster.id, name, patch.nodes);
      return get(project, name);
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
      const rows = await db
        .selectFrom('clusters')
        .select(['id', 'kubeconfig'])
        .where('kubeconfig', 'is not', null)
        .where('kubeconfig', 'not like', `${secrets.sealedPrefix}%`)
        .execute();
      for (const { id, kubeconfig } of rows) {
        const context = kubeconfigContext(id);
        await db
          .updateTable('clusters')
          .set({ kubeconfig: secrets.seal(secrets.open(kubeconfig!, context), context) })
          .where('id', '=', id)
          .where('kubeconfig', '=', kubeconfig)
          .execute();
      }
      return rows.length;
    },
    async delete(project, name) {
      const cluster = await get(project, name);
      await db.deleteFrom('cluster_nodes').where('cluster_id', '=', cluster.id).execute();
      await db.deleteFrom('clusters').where('id', '=', cluster.id).execute();
    },
  };
}
