/** A project's cluster driver and management cluster; the kubeconfig is sealed and opened only for the driver. */
import type { ClusterDriver } from '../domain/inventory/cluster.ts';
import type { ProjectClusterSettings } from '../domain/inventory/management-cluster.ts';
import { nowIso } from './create-id.ts';
import type { Db, ManagementClusterTable } from './database.ts';
import type { SecretBox } from './secret-box.ts';

export interface ManagementClusterStore {
  settings(project: string): Promise<ProjectClusterSettings>;
  setClusterDriver(project: string, driver: ClusterDriver): Promise<void>;
  put(project: string, value: { kubeconfig: string; server: string; namespace: string }): Promise<void>;
  /** Forgets the management cluster; the driver setting stays. */
  remove(project: string): Promise<void>;
  /** The opened kubeconfig and namespace, for the driver only; null when none is named. */
  connection(project: string): Promise<{ kubeconfig: string; namespace: string } | null>;
  /** Seals under the current key every kubeconfig stored under a previous key; how many it changed. */
  resealSecrets(): Promise<number>;
  /** How many kubeconfigs are stored, and how many of them are sealed under the current key. */
  countSecrets(): Promise<{ total: number; underCurrentKey: number }>;
}

const kubeconfigContext = (project: string): string => `management_clusters.kubeconfig:${project}`;

export function createManagementClusterStore(db: Db, secrets: SecretBox): ManagementClusterStore {
  const row = (project: string): Promise<ManagementClusterTable | undefined> =>
    db.selectFrom('management_clusters').selectAll().where('project', '=', project).executeTakeFirst();
  async function upsert(project: string, values: Partial<Omit<ManagementClusterTable, 'project'>>): Promise<void> {
    const set = { ...values, updated_at: nowIso() };
    await db
      .insertInto('management_clusters')
      .values({ project, cluster_driver: 'agent', ...set })
      .onConflict((oc) => oc.column('project').doUpdateSet(set))
      .execute();
  }
  return {
    async settings(project) {
      const r = await row(project);
      return {
        clusterDriver: (r?.cluster_driver ?? 'agent') as ClusterDriver,
        managementCluster:
          r?.kubeconfig && r.server && r.namespace ? { server: r.server, namespace: r.namespace, updatedAt: r.updated_at } : null,
      };
    },
    setClusterDriver: (project, driver) => upsert(project, { cluster_driver: driver }),
    put: (project, { kubeconfig, server, namespace }) =>
      upsert(project, { kubeconfig: secrets.seal(kubeconfig, kubeconfigContext(project)), server, namespace }),
    remove: (project) => upsert(project, { kubeconfig: null, server: null, namespace: null }),
    async connection(project) {
      const r = await row(project);
      if (!r?.kubeconfig || !r.namespace) return null;
      return { kubeconfig: secrets.open(r.kubeconfig, kubeconfigContext(project)), namespace: r.namespace };
    },
    async countSecrets() {
      const found = await db
        .selectFrom('management_clusters')
        .select((eb) => [
          eb.fn.count<number>('kubeconfig').as('total'),
          eb.fn.sum<number>(eb.case().when('kubeconfig', 'like', `${secrets.sealedPrefix}%`).then(1).else(0).end()).as('current'),
        ])
        .executeTakeFirstOrThrow();
      return { total: Number(found.total), underCurrentKey: Number(found.current ?? 0) };
    },
    async resealSecrets() {
      const rows = await db
        .selectFrom('management_clusters')
        .select(['project', 'kubeconfig'])
        .where('kubeconfig', 'is not', null)
        .where('kubeconfig', 'not like', `${secrets.sealedPrefix}%`)
        .execute();
      for (const { project, kubeconfig } of rows) {
        const context = kubeconfigContext(project);
        await db
          .updateTable('management_clusters')
          .set({ kubeconfig: secrets.seal(secrets.open(kubeconfig!, context), context) })
          .where('project', '=', project)
          .where('kubeconfig', '=', kubeconfig)
          .execute();
      }
      return rows.length;
    },
  };
}
