/**
 * What the orchestrator wants one host to do now, computed from the inventory (pure). The agent pulls it with
 * a revision, a fingerprint the API adds to it (load-desired-state), so a long-poll wakes up when it changes.
 */
import type { BootstrapPlan } from './bootstrap-plan.ts';
import { computeBootstrapPlan } from './bootstrap-plan.ts';
import type { MirrorUrl } from './mirror-url.ts';
import type { Cluster } from '../inventory/cluster.ts';
import { isAppError } from '../errors.ts';
import { computeFirstServer } from '../inventory/cluster-topology.ts';
import { computeOsUpdateArgv } from './os-update.ts';
import type { Host } from '../inventory/host.ts';
import type { Instance } from '../inventory/instance.ts';
import { formatOsProfileRef, type OsProfile } from '../inventory/os-profile.ts';
import { computeEmbeddedVersion, computeVersionStepRefusal } from '../compatibility/upgrade-guard.ts';
import { computeNodeKubernetesVersion } from '../compatibility/upgrade-rollout.ts';
import type { Reason } from '../reasons.ts';
import type { ClusterTemplate } from '../inventory/template.ts';

export type ClusterAction =
  /** Install K3s with `plan` (the agent does nothing if the same plan is already installed). */
  | { kind: 'install'; cluster: string; plan: BootstrapPlan }
  /** The plan cannot be made; the agent reports it and waits. */
  | { kind: 'blocked'; cluster: string; reason: Reason }
  /** Stop K3s and remove its state (cluster deleted, or the host deauthorized). */
  | { kind: 'remove'; cluster: string | null }
  /** Not yet: the host does not run the cluster's OS profile (or the new version of it with a newer K3s) yet, or the server it joins is not ready. */
  | { kind: 'wait'; cluster: string; message: string }
  /** Move to another version of the OS profile (option 2): run `argv` (no shell); the host reboots into the image and reports it. */
  | { kind: 'update-os'; cluster: string; osProfile: string; version: string; argv: string[] }
  | { kind: 'none' };

export interface DesiredState {
  host: Pick<Host, 'id' | 'name' | 'state'>;
  /** The OS profile the host should run, when it has an instance. */
  osProfile: string | null;
  action: ClusterAction;
}

/** How a node joins: the cluster's token, and the first server's URL once it is ready (null before). */
export interface JoinInput {
  /** Null for a cluster created before join tokens. */
  token: string | null;
  serverUrl: string | null;
  /** The first server's host name, for messages. */
  firstServer: string;
}

export interface DesiredStateInput {
  host: Host;
  instance: Instance | null;
  cluster: Cluster | null;
  template: ClusterTemplate | null;
  /** The exact OS profile version the host's instance records. */
  osProfile: OsProfile | null;
  /** The cluster the host left and still has to remove K3s of. */
  cleanup?: string | null;
  join?: JoinInput | null;
  /** The configured OS update command (option 2); absent, a due update is blocked. */
  osUpdateCommand?: readonly string[] | null;
  /** The imported OS profile version the host reports running; null when it reports none or one never imported. */
  runningOsProfile?: OsProfile | null;
  mirrorUrl?: MirrorUrl;
}

export function computeDesiredState(input: DesiredStateInput): DesiredState {
  const { host, instance } = input;
  const base = { host: { id: host.id, name: host.name, state: host.state }, osProfile: instance?.osProfile ?? null };
  return { ...base, action: computeClusterAction(input) };
}

function computeClusterAction(input: DesiredStateInput): ClusterAction {
  const { host, instance, cluster, template, osProfile, mirrorUrl, cleanup = null, join = null } = input;
  if (host.state === 'deauthorized') return { kind: 'remove', cluster: cluster?.name ?? cleanup };
  // The K3s of a cluster the host left goes first, even when it has joined another since.
  if (cleanup !== null) return { kind: 'remove', cluster: cleanup };
  if (!cluster) return { kind: 'none' };
  if (cluster.phase === 'deleting' || cluster.phase === 'deleted') return { kind: 'remove', cluster: cluster.name };
  const update = computeOsUpdate(input);
  if (update) return update;
  // Nodes of one cluster may run different OS profiles: each waits for the one its own instance records.
  if (!instance || instance.observedOsProfile !== instance.osProfile) {
    return {
      kind: 'wait',
      cluster: cluster.name,
      message: `waiting for host ${host.name} to run OS profile ${instance?.osProfile ?? 'of its instance'} (it reports ${instance?.observedOsProfile ?? 'nothing yet'})`,
    };
  }
  if (!template || !osProfile) {
    return {
      kind: 'blocked',
      cluster: cluster.name,
      reason: {
        code: 'PreviousStepFailed',
        message: `template ${cluster.template.name}:${cluster.template.version} or OS profile ${formatOsProfileRef({ name: instance.osProfile, version: instance.osProfileVersion })} no longer exists`,
      },
    };
  }
  // The node runs the version the cluster records, or the rolling upgrade's once this node started moving.
  const version = computeNodeKubernetesVersion(cluster, host.id);
  const embedded = computeEmbeddedVersion(cluster, osProfile);
  if (
    embedded !== null &&
    embedded !== version &&
    computeVersionStepRefusal({ ...cluster, kubernetesVersion: version }, osProfile) === null
  ) {
    return {
      kind: 'wait',
      cluster: cluster.name,
      message: `waiting for host ${host.name} to report OS profile ${formatOsProfileRef(osProfile)} with K3s ${embedded}; cluster ${cluster.name} runs ${version} until then`,
    };
  }
  // After an allowed upgrade the node runs the new version rather than the template's (a download node downloads it).
  const planned = template.kubernetesVersion === version ? template : { ...template, kubernetesVersion: version };
  const joining = computeJoin(cluster, host, join);
  if ('kind' in joining) return joining;
  try {
    return {
      kind: 'install',
      cluster: cluster.name,
      plan: computeBootstrapPlan({ cluster, template: planned, osProfile, host, ...(mirrorUrl ? { mirrorUrl } : {}), ...joining }),
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return {
      kind: 'blocked',
      cluster: cluster.name,
      reason: { code: (error.reason as Reason['code'] | undefined) ?? 'PreviousStepFailed', message: error.detail },
    };
  }
}

/**
 * Option 2: the instance records another version than the host reports running, so the host updates its image
 * first. Only once it has reported a version that is an imported version of the profile: a host that never
 * reported is waited for as before, and an image version edge-orch never imported is not one it can move from.
 */
function computeOsUpdate({
  cluster,
  instance,
  osProfile,
  osUpdateCommand = null,
  runningOsProfile = null,
}: DesiredStateInput): ClusterAction | null {
  if (!cluster || !instance || instance.observedOsVersion === null || instance.observedOsProfile !== instance.osProfile) return null;
  if (runningOsProfile === null) return null;
  if (instance.observedOsVersion === instance.osProfileVersion || !osProfile) return null;
  if (osUpdateCommand === null)
    return {
      kind: 'blocked',
      cluster: cluster.name,
      reason: {
        code: 'OsUpdateNotConfigured',
        message: `the host runs ${instance.osProfile}:${instance.observedOsVersion} but must move to ${instance.osProfile}:${instance.osProfileVersion}, and the server has no OS update command (--os-update-command)`,
      },
    };
  return {
    kind: 'update-os',
    cluster: cluster.name,
    osProfile: osProfile.name,
    version: osProfile.version,
    argv: computeOsUpdateArgv(osUpdateCommand, osProfile),
  };
}

/** The join settings of the plan, or why it cannot be made yet: the first server initialises, every other node joins it. */
function computeJoin(cluster: Cluster, host: Host, join: JoinInput | null): { serverUrl?: string; joinToken?: string } | ClusterAction {
  const first = computeFirstServer(cluster.nodes);
  if (first?.hostId === host.id) return join?.token ? { joinToken: join.token } : {};
  if (!join?.token)
    return {
      kind: 'blocked',
      cluster: cluster.name,
      reason: {
        code: 'NoJoinToken',
        message: `cluster ${cluster.name} was created before edge-orch kept join tokens; host ${host.name} cannot join it`,
      },
    };
  if (join.serverUrl === null)
    return {
      kind: 'wait',
      cluster: cluster.name,
      message: `waiting for the first server ${join.firstServer} to be ready before joining it`,
    };
  return { serverUrl: join.serverUrl, joinToken: join.token };
}
