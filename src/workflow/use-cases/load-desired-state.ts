/**
 * What an agent pulls: its host's desired state, computed from the inventory, with a revision that changes
 * exactly when what the agent must do changes. The pull is a long-poll: while the state still has the revision
 * the agent holds, the answer waits for a change (or the end of the wait).
 */
import type { DesiredStateT } from '../../contract/agent.schema.ts';
import { computeDesiredState, type DesiredState, type JoinInput } from '../../domain/bootstrap/desired-state.ts';
import { computeKubeconfigServer } from '../../domain/bootstrap/reported-kubeconfig.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { computeFirstServer } from '../../domain/inventory/cluster-topology.ts';
import type { MirrorUrl } from '../../domain/bootstrap/mirror-url.ts';
import type { Store } from '../../store/store.ts';
import { fingerprint } from '../fingerprint.ts';
import { readUntil } from '../read-until.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** How often a waiting long-poll re-reads the store, to see changes made by other replicas. */
export const DESIRED_STATE_RECHECK_MS = 5_000;

export interface DesiredStateRequest {
  project: string;
  hostId: string;
  /** The revision the agent holds; the answer waits while the state still has it. */
  revision?: string | undefined;
  waitMs: number;
  /** Ends the wait early (server closing, agent gone): the current state is answered. */
  signal?: AbortSignal;
}

export async function loadDesiredState(
  { store, events, mirrorUrl, osUpdateCommand }: Pick<UseCaseDeps, 'store' | 'events' | 'mirrorUrl' | 'osUpdateCommand'>,
  { project, hostId, revision, waitMs, signal }: DesiredStateRequest,
): Promise<DesiredStateT> {
  return readUntil({
    read: async () => serve(await readDesiredState(store, project, hostId, { mirrorUrl, osUpdateCommand })),
    settled: (state) => state.revision !== revision,
    wake: (timeoutMs, wakeSignal) => events.waitForChange(project, hostId, timeoutMs, wakeSignal),
    waitMs,
    recheckMs: DESIRED_STATE_RECHECK_MS,
    ...(signal ? { signal } : {}),
  });
}

async function readDesiredState(
  store: Store,
  project: string,
  hostId: string,
  { mirrorUrl, osUpdateCommand }: { mirrorUrl: MirrorUrl | undefined; osUpdateCommand: readonly string[] | undefined },
): Promise<DesiredState> {
  const host = await store.hosts.get(project, hostId);
  const [instance, cluster, cleanup] = await Promise.all([
    store.instances.findByHost(project, hostId),
    store.clusters.findByHost(project, hostId),
    store.clusters.findCleanup(project, hostId),
  ]);
  // The host's image is the version its instance records (nodes of one cluster may run different profiles).
  const [template, osProfile] =
    cluster && instance
      ? await Promise.all([
          store.templates.find(project, cluster.template),
          store.osProfiles.find(project, { name: instance.osProfile, version: instance.osProfileVersion }),
        ])
      : [null, null];
  const running = instance?.observedOsVersion ? { name: instance.osProfile, version: instance.observedOsVersion } : null;
  const runningOsProfile =
    cluster && running && running.version !== instance?.osProfileVersion ? await store.osProfiles.find(project, running) : null;
  return computeDesiredState({
    host,
    instance,
    cluster,
    template,
    osProfile,
    cleanup,
    join: cluster ? await readJoin(store, project, cluster, host) : null,
    osUpdateCommand: osUpdateCommand ?? null,
    runningOsProfile,
    ...(mirrorUrl ? { mirrorUrl } : {}),
  });
}

/**
 * The cluster's join token, and the first server's URL from the kubeconfig it reported when it became ready. The
 * first server itself joins nothing, so its token is all it needs (most clusters are one host: every poll of theirs).
 */
async function readJoin(store: Store, project: string, cluster: Cluster, host: Host): Promise<JoinInput | null> {
  const first = computeFirstServer(cluster.nodes);
  if (!first) return null;
  if (first.hostId === host.id)
    return { token: await store.clusters.getJoinToken(project, cluster.name), serverUrl: null, firstServer: host.name };
  const [token, kubeconfig, server] = await Promise.all([
    store.clusters.getJoinToken(project, cluster.name),
    store.clusters.getKubeconfig(project, cluster.name),
    store.hosts.find(project, first.hostId),
  ]);
  return { token, serverUrl: kubeconfig === null ? null : computeKubeconfigServer(kubeconfig), firstServer: server?.name ?? first.hostId };
}

/** Fingerprints the plan once, then the state with the plan stood for by its fingerprint. */
function serve(state: DesiredState): DesiredStateT {
  if (state.action.kind !== 'install') return { revision: fingerprint(state), ...state, action: state.action };
  const { plan, ...install } = state.action;
  const planRevision = fingerprint(plan);
  const revision = fingerprint({ ...state, action: { ...install, planRevision } });
  return { revision, ...state, action: { ...state.action, planRevision } };
}
