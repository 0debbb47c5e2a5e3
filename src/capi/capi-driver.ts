/**
 * The capi cluster driver: applies each cluster of the capi driver to its project's management cluster and
 * follows it there. A sweep (at start, on a nudge, and every `sweepMs`) starts a follower for every such cluster
 * that has none; a follower checks the served API versions, applies the objects with server-side apply, then
 * watches the Cluster (from its resourceVersion, listing again on 410) and writes its phase, message and reason.
 * A failure ends the follower with the reason on the cluster; the next sweep tries again.
 */
import type { Cluster } from '../domain/inventory/cluster.ts';
import { capiClusterStatus, type ClusterStatusView } from '../domain/inventory/capi-cluster-status.ts';
import { CAPI_API_VERSION, type KubeObject } from '../render/capi/kube-object.ts';
import type { Store } from '../store/store.ts';
import type { ClusterDeletion, ClusterDriver } from '../workflow/cluster-driver.ts';
import { renderClusterCapiObjects } from '../workflow/use-cases/render-capi-objects.ts';
import { CapiProblem } from './capi-problem.ts';
import { createKubeClient, type KubeClient, type ObjectRef } from './kube-client.ts';

export interface CapiDriverLog {
  warn(details: object, message: string): void;
}

export interface CapiDriverOptions {
  store: Store;
  log: CapiDriverLog;
  /** How often clusters without a follower are looked for (failed ones are retried then). */
  sweepMs?: number;
  connect?: (kubeconfig: string) => KubeClient;
}

export interface CapiDriver extends ClusterDriver {
  start(): Promise<void>;
  /** Looks for clusters to follow now; resolves when their followers have started. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export function createCapiDriver({ store, log, sweepMs = 10_000, connect = createKubeClient }: CapiDriverOptions): CapiDriver {
  /** Per cluster: its follower, and what it was started for (desiredOf). */
  const followers = new Map<string, { controller: AbortController; done: Promise<void>; desired: string }>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const keyOf = (project: string, name: string) => `${project}/${name}`;

  async function sweepProject(project: string): Promise<void> {
    let cursor: string | null = null;
    do {
      const page = await store.clusters.list(project, { cursor, limit: 500 });
      for (const cluster of page.items) {
        if (cluster.driver !== 'capi') continue;
        const follower = followers.get(keyOf(project, cluster.name));
        if (!follower) start(project, cluster.name, desiredOf(cluster));
        // Deleted elsewhere (a deauthorized host) or its nodes changed: apply (or delete) again.
        else if (follower.desired !== desiredOf(cluster)) void restart(project, cluster.name, desiredOf(cluster));
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  async function sweep(): Promise<void> {
    if (stopped) return;
    for (const project of await store.projects.list()) await sweepProject(project);
  }

  function start(project: string, name: string, desired: string): void {
    if (stopped) return;
    const key = keyOf(project, name);
    const controller = new AbortController();
    const done = follow(project, name, controller.signal)
      .catch((error: unknown) =>
        log.warn({ project, cluster: name, error: (error as Error)?.message }, 'capi driver: following a cluster failed'),
      )
      .finally(() => {
        if (followers.get(key)?.controller === controller) followers.delete(key);
      });
    followers.set(key, { controller, done, desired });
  }

  async function restart(project: string, name: string, desired: string): Promise<void> {
    await stopFollower(project, name);
    if (!followers.has(keyOf(project, name))) start(project, name, desired);
  }

  async function stopFollower(project: string, name: string): Promise<void> {
    const follower = followers.get(keyOf(project, name));
    follower?.controller.abort();
    await follower?.done;
  }

  /** Writes what changed; a cluster being deleted stays `deleting` (its message and reason still change). */
  async function setStatus(project: string, name: string, view: ClusterStatusView): Promise<void> {
    const current = await store.clusters.find(project, name);
    if (!current) return;
    const phase = current.phase === 'deleting' ? 'deleting' : view.phase;
    if (current.phase === phase && current.message === view.message && current.reason?.code === view.reason?.code) return;
    await store.clusters.update(project, name, { phase, message: view.message, reason: view.reason });
  }

  async function follow(project: string, name: string, signal: AbortSignal): Promise<void> {
    const cluster = await store.clusters.find(project, name);
    if (!cluster) return;
    const connection = await store.managementClusters.connection(project);
    if (!connection) {
      const message = `project ${project} names no management cluster: PUT its management-cluster to apply this cluster`;
      return setStatus(project, name, { phase: 'failed', message, reason: { code: 'ManagementClusterNotSet', message } });
    }
    const client = connect(connection.kubeconfig);
    try {
      const objects = await renderClusterCapiObjects({ store }, { project, cluster });
      const clusterObject = objects.at(-1)!;
      await checkServedVersions(client, objects);
      if (cluster.phase === 'deleting') {
        if (!(await client.delete(clusterObject, 'Foreground'))) return void (await store.clusters.delete(project, name));
      } else {
        for (const object of objects) {
          if (signal.aborted) return;
          await client.apply(object);
        }
      }
      await followCluster(project, name, client, clusterObject, signal);
    } catch (error) {
      if (!(error instanceof CapiProblem)) throw error;
      await setStatus(project, name, { phase: 'failed', message: error.reason.message, reason: error.reason });
    }
  }

  /** Follows the Cluster until it is gone (then the edge-orch cluster is deleted if it was deleting) or the follower stops. */
  async function followCluster(project: string, name: string, client: KubeClient, ref: ObjectRef, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const current = await client.read(ref);
      if (!current) return gone(project, name);
      await setStatus(project, name, capiClusterStatus(current));
      let resourceVersion = current.metadata?.resourceVersion ?? '0';
      let relist = false;
      let deleted = false;
      let writes = Promise.resolve();
      while (!signal.aborted && !relist && !deleted) {
        // Ends this watch on 410 or deletion; the follower's signal ends it too.
        const watchEnd = new AbortController();
        const stop = () => watchEnd.abort();
        signal.addEventListener('abort', stop);
        await client.watch(ref, resourceVersion, watchEnd.signal, (event) => {
          if (event.type === 'GONE' || event.type === 'DELETED') {
            relist = event.type === 'GONE';
            deleted = event.type === 'DELETED';
            return stop();
          }
          resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
          if (event.type !== 'BOOKMARK') writes = writes.then(() => setStatus(project, name, capiClusterStatus(event.object)));
        });
        signal.removeEventListener('abort', stop);
        await writes;
      }
      if (deleted) return gone(project, name);
    }
  }

  /** The Cluster is gone from the management cluster: a cluster being deleted is deleted; another is applied again at the next sweep. */
  async function gone(project: string, name: string): Promise<void> {
    const cluster = await store.clusters.find(project, name);
    if (cluster?.phase === 'deleting') await store.clusters.delete(project, name);
  }

  return {
    async start() {
      await sweep();
      timer = setInterval(
        () => void sweep().catch((error: unknown) => log.warn({ error: (error as Error)?.message }, 'capi driver: sweep failed')),
        sweepMs,
      );
      timer.unref();
    },
    sweep,
    nudge(project) {
      void sweepProject(project).catch((error: unknown) =>
        log.warn({ project, error: (error as Error)?.message }, 'capi driver: sweep failed'),
      );
    },
    async deleteCluster(cluster: Cluster, { force }): Promise<ClusterDeletion> {
      const { project, name } = cluster;
      await stopFollower(project, name);
      const connection = await store.managementClusters.connection(project);
      if (force || !connection) {
        // Orphaned: Cluster API keeps the machines; edge-orch forgets the cluster. Unreachable is no reason to keep it.
        if (connection) {
          const ref = clusterRef(cluster, connection.namespace);
          await connect(connection.kubeconfig)
            .delete(ref, 'Orphan')
            .catch((error: unknown) =>
              log.warn({ project, cluster: name, error: (error as Error)?.message }, 'capi driver: orphaning the Cluster failed'),
            );
        }
        await store.clusters.delete(project, name);
        return { kind: 'deleted' };
      }
      const deleting = await store.clusters.update(project, name, {
        phase: 'deleting',
        message: 'deleting the Cluster from the management cluster (foreground); waiting for its finalizers',
        reason: undefined,
      });
      start(project, name, desiredOf(deleting));
      return { kind: 'deleting', cluster: deleting };
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      const all = [...followers.values()];
      for (const follower of all) follower.controller.abort();
      await Promise.all(all.map((f) => f.done));
    },
  };
}

/** What a follower applies for: a change of it (deleting, nodes, labels) needs a new follower. */
const desiredOf = (cluster: Cluster): string =>
  JSON.stringify({ deleting: cluster.phase === 'deleting', nodes: cluster.nodes, labels: cluster.labels });

const clusterRef = (cluster: Pick<Cluster, 'name'>, namespace: string): ObjectRef => ({
  apiVersion: CAPI_API_VERSION,
  kind: 'Cluster',
  metadata: { name: cluster.name, namespace },
});

/** Every group and version the objects need is served: checked before anything is applied, so nothing is half-written. */
async function checkServedVersions(client: KubeClient, objects: KubeObject[]): Promise<void> {
  const served = await client.servedVersions();
  const needed = new Map<string, string[]>();
  for (const object of objects) needed.set(object.apiVersion, [...new Set([...(needed.get(object.apiVersion) ?? []), object.kind])]);
  for (const [apiVersion, kinds] of needed) {
    const [group, version] = apiVersion.split('/') as [string, string];
    const versions = served.get(group);
    if (!versions)
      throw new CapiProblem(
        'CapiCrdMissing',
        `the management cluster does not serve the API group ${group} (for ${kinds.join(', ')}): install its CRDs`,
      );
    if (!versions.includes(version))
      throw new CapiProblem(
        'CapiCrdTooOld',
        `the management cluster serves ${group} versions ${versions.join(', ')} but not ${version} (for ${kinds.join(', ')}): upgrade its provider`,
      );
  }
}
