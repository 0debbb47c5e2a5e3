/**
 * A cluster-level upgrade (DESIGN.md, Upgrade guard): may the whole cluster move to the K3s an OS profile version
 * embeds, and how does each node get there? Checked as one node's move is (no downgrade, no skipped minor), and
 * every node must be able to reach the target: a node of the target's OS profile moves to that version (its
 * image embeds the new K3s), a node whose image embeds no K3s downloads the new version, and any other node
 * (an image of another OS profile embedding K3s) is refused. Servers move first, then agents, one at a time.
 */
import type { Cluster, ClusterUpgrade, NodeRole, UpgradeStep } from '../inventory/cluster.ts';
import { formatOsProfileRef, type OsProfile } from '../inventory/os-profile.ts';
import type { Reason } from '../reasons.ts';
import { computeEmbeddedVersion, computeVersionStepRefusal } from './upgrade-guard.ts';

type UpgradeProfile = Pick<OsProfile, 'name' | 'version' | 'kubernetes'>;

export interface UpgradeNode {
  hostId: string;
  /** The host's name, for messages. */
  host: string;
  role: NodeRole;
  /** The OS profile version the node's instance records; null when it has none or that version is gone. */
  profile: UpgradeProfile | null;
}

export type ClusterUpgradeDecision = { allowed: true; upgrade: ClusterUpgrade } | { allowed: false; reason: Reason };

export interface ClusterUpgradeInput {
  cluster: Pick<Cluster, 'name' | 'flavor' | 'kubernetesVersion' | 'upgrade'>;
  target: UpgradeProfile;
  /** The cluster's nodes in their order. */
  nodes: UpgradeNode[];
  now: string;
}

export function computeClusterUpgrade({ cluster, target, nodes, now }: ClusterUpgradeInput): ClusterUpgradeDecision {
  const targetRef = formatOsProfileRef(target);
  const previous = cluster.upgrade;
  const resuming = previous?.state === 'failed' && sameTarget(previous, target);
  if (previous && (previous.state === 'rolling' || (previous.state === 'failed' && !resuming)))
    return refuse({
      code: 'UpgradeInProgress',
      message:
        previous.state === 'rolling'
          ? `cluster ${cluster.name} is already upgrading to K3s ${previous.kubernetesVersion} (OS profile ${formatOsProfileRef(previous.osProfile)}); wait for it to end`
          : `cluster ${cluster.name}'s upgrade to K3s ${previous.kubernetesVersion} (OS profile ${formatOsProfileRef(previous.osProfile)}) stopped at a failed node; resume it by asking for that OS profile version again`,
      details: {
        cluster: cluster.name,
        osProfile: previous.osProfile.name,
        osProfileVersion: previous.osProfile.version,
        state: previous.state,
      },
    });
  // Resumed: the steps of the stopped rollout, already checked; the failed node moves again first.
  if (resuming) {
    const current = new Set(nodes.map((n) => n.hostId));
    return {
      allowed: true,
      upgrade: {
        ...previous,
        state: 'rolling',
        steps: previous.steps.filter((s) => current.has(s.hostId)),
        failure: null,
        finishedAt: null,
      },
    };
  }
  const embedded = computeEmbeddedVersion(cluster, target);
  if (embedded === null)
    return refuse({
      code: 'UpgradeTargetWithoutK3s',
      message: `OS profile ${targetRef} embeds no ${cluster.flavor === 'k3s' ? 'K3s' : 'RKE2'}, so it names no version for cluster ${cluster.name} to move to`,
      details: { cluster: cluster.name, osProfile: target.name, osProfileVersion: target.version },
    });
  const stepRefusal = computeVersionStepRefusal(cluster, target);
  if (stepRefusal) return refuse(stepRefusal);
  const steps: UpgradeStep[] = [];
  for (const node of orderForUpgrade(nodes)) {
    const step = computeNodeStep(node, target, embedded, cluster);
    if ('code' in step) return refuse(step);
    if (step.method !== null) steps.push({ hostId: node.hostId, method: step.method, state: 'pending' });
  }
  return {
    allowed: true,
    upgrade: {
      osProfile: { name: target.name, version: target.version },
      fromVersion: cluster.kubernetesVersion,
      kubernetesVersion: embedded,
      state: 'rolling',
      steps,
      failure: null,
      startedAt: now,
      finishedAt: null,
    },
  };
}

const refuse = (reason: Reason): ClusterUpgradeDecision => ({ allowed: false, reason });

const sameTarget = (upgrade: ClusterUpgrade, target: UpgradeProfile): boolean =>
  upgrade.osProfile.name === target.name && upgrade.osProfile.version === target.version;

/** Servers (and the single node) first, then agents: K3s's own upgrade order. Stable within each group. */
export function orderForUpgrade<T extends { role: NodeRole }>(nodes: readonly T[]): T[] {
  return [...nodes.filter((n) => n.role !== 'worker'), ...nodes.filter((n) => n.role === 'worker')];
}

function computeNodeStep(
  node: UpgradeNode,
  target: UpgradeProfile,
  embedded: string,
  cluster: ClusterUpgradeInput['cluster'],
): { method: UpgradeStep['method'] | null } | Reason {
  const details = { cluster: cluster.name, hostId: node.hostId, osProfile: target.name, osProfileVersion: target.version };
  if (node.profile === null)
    return {
      code: 'UpgradeUnreachable',
      message: `host ${node.host} of cluster ${cluster.name} has no instance of an imported OS profile version, so it cannot move to K3s ${embedded}`,
      details,
    };
  if (node.profile.name === target.name) return { method: node.profile.version === target.version ? null : 'update-os' };
  const own = computeEmbeddedVersion(cluster, node.profile);
  // A node that downloaded its K3s installs again only for a new version (the same plan would change nothing).
  if (own === null) return { method: embedded === cluster.kubernetesVersion ? null : 'reinstall' };
  if (own === embedded) return { method: null };
  return {
    code: 'UpgradeUnreachable',
    message: `host ${node.host} of cluster ${cluster.name} runs OS profile ${formatOsProfileRef(node.profile)}, whose image embeds K3s ${own}; it cannot move to OS profile ${formatOsProfileRef(target)} (another OS profile), so it cannot reach K3s ${embedded}`,
    details: { ...details, node: node.host, nodeOsProfile: node.profile.name, nodeVersion: own },
  };
}
