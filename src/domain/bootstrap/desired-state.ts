/**
 * What the orchestrator wants one host to do now, computed from the inventory (pure). The agent pulls it with
 * a revision, a fingerprint the API adds to it (load-desired-state), so a long-poll wakes up when it changes.
 */
import type { BootstrapPlan } from './bootstrap-plan.ts';
import { computeBootstrapPlan } from './bootstrap-plan.ts';
import type { MirrorUrl } from './mirror-url.ts';
import type { Cluster } from '../inventory/cluster.ts';
import { isAppError } from '../errors.ts';
import type { Host } from '../inventory/host.ts';
import type { Instance } from '../inventory/instance.ts';
import { formatOsProfileRef, type OsProfile } from '../inventory/os-profile.ts';
import { computeUpgradeDecision } from '../compatibility/upgrade-guard.ts';
import type { Reason } from '../reasons.ts';
import type { ClusterTemplate } from '../inventory/template.ts';

export type ClusterAction =
  /** Install K3s with `plan` (the agent does nothing if the same plan is already installed). */
  | { kind: 'install'; cluster: string; plan: BootstrapPlan }
  /** The plan cannot be made; the agent reports it and waits. */
  | { kind: 'blocked'; cluster: string; reason: Reason }
  /** Stop K3s and remove its state (cluster deleted, or the host deauthorized). */
  | { kind: 'remove'; cluster: string | null }
  /** Not yet: the host does not run the cluster's OS profile, or the new version of it with a newer K3s, yet. */
  | { kind: 'wait'; cluster: string; message: string }
  | { kind: 'none' };

export interface DesiredState {
  host: Pick<Host, 'id' | 'name' | 'state'>;
  /** The OS profile the host should run, when it has an instance. */
  osProfile: string | null;
  action: ClusterAction;
}

export interface DesiredStateInput {
  host: Host;
  instance: Instance | null;
  cluster: Cluster | null;
  template: ClusterTemplate | null;
  osProfile: OsProfile | null;
  mirrorUrl?: MirrorUrl;
}

export function computeDesiredState({ host, instance, cluster, template, osProfile, mirrorUrl }: DesiredStateInput): DesiredState {
  const base = { host: { id: host.id, name: host.name, state: host.state }, osProfile: instance?.osProfile ?? null };
  return { ...base, action: computeClusterAction({ host, instance, cluster, template, osProfile, ...(mirrorUrl ? { mirrorUrl } : {}) }) };
}

function computeClusterAction({ host, instance, cluster, template, osProfile, mirrorUrl }: DesiredStateInput): ClusterAction {
  if (host.state === 'deauthorized') return { kind: 'remove', cluster: cluster?.name ?? null };
  if (!cluster) return { kind: 'none' };
  if (cluster.phase === 'deleting' || cluster.phase === 'deleted') return { kind: 'remove', cluster: cluster.name };
  if (!instance || instance.observedOsProfile !== cluster.osProfile) {
    return {
      kind: 'wait',
      cluster: cluster.name,
      message: `waiting for host ${host.name} to run OS profile ${cluster.osProfile} (it reports ${instance?.observedOsProfile ?? 'nothing yet'})`,
    };
  }
  if (!template || !osProfile) {
    return {
      kind: 'blocked',
      cluster: cluster.name,
      reason: {
        code: 'PreviousStepFailed',
        message: `template ${cluster.template.name}:${cluster.template.version} or OS profile ${cluster.osProfile} no longer exists`,
      },
    };
  }
  const embedded = osProfile.kubernetes?.flavor === cluster.flavor ? osProfile.kubernetes.version : null;
  if (
    embedded !== null &&
    embedded !== cluster.kubernetesVersion &&
    computeUpgradeDecision({ cluster, host: host.name, target: osProfile, otherNodes: [] }).allowed
  ) {
    return {
      kind: 'wait',
      cluster: cluster.name,
      message: `waiting for host ${host.name} to report OS profile ${formatOsProfileRef(osProfile)} with K3s ${embedded}; cluster ${cluster.name} runs ${cluster.kubernetesVersion} until then`,
    };
  }
  // The cluster runs the version it records: after an allowed upgrade, the new image's rather than the template's.
  const planned =
    template.kubernetesVersion === cluster.kubernetesVersion ? template : { ...template, kubernetesVersion: cluster.kubernetesVersion };
  try {
    return {
      kind: 'install',
      cluster: cluster.name,
      plan: computeBootstrapPlan({ cluster, template: planned, osProfile, host, ...(mirrorUrl ? { mirrorUrl } : {}) }),
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
