/**
 * The steps of a rolling upgrade (pure): which node moves next, when a node is done (it reported ready again, on
 * the target image when it moves image), and a failure that stops the rollout. The use-cases record the result
 * and move the next node's instance.
 */
import type { NodePhase, Cluster, ClusterUpgrade, UpgradeStep } from '../inventory/cluster.ts';

export interface RolloutProgress {
  upgrade: ClusterUpgrade;
  /** The node to move now, when one starts moving. */
  move: UpgradeStep | null;
  /** A sentence for the cluster's message. */
  message: string;
}

/** Starts (or resumes) the rollout: the first node not done moves; with none left, the upgrade is done. */
export function startRollout(upgrade: ClusterUpgrade, now: string): RolloutProgress {
  return moveNext({ ...upgrade, steps: upgrade.steps.map((s) => (s.state === 'done' ? s : { ...s, state: 'pending' })) }, now);
}

/** What a node's report means for a rolling upgrade; null when it changes nothing (not the moving node, not yet there). */
export function advanceRollout(
  upgrade: ClusterUpgrade,
  report: {
    hostId: string;
    host: string;
    phase: NodePhase;
    message: string;
    /** The OS profile version the host reports running, from its image manifest. */
    image: { name: string; version: string } | null;
  },
  now: string,
): RolloutProgress | null {
  if (upgrade.state !== 'rolling') return null;
  const moving = upgrade.steps.find((s) => s.state === 'moving');
  if (!moving || moving.hostId !== report.hostId) return null;
  if (report.phase === 'failed') {
    const reason = {
      code: 'UpgradeNodeFailed' as const,
      message: `host ${report.host} did not come back ready on K3s ${upgrade.kubernetesVersion}: ${report.message}`,
      details: { hostId: report.hostId, kubernetesVersion: upgrade.kubernetesVersion },
    };
    return {
      upgrade: {
        ...withStep(upgrade, moving.hostId, 'failed'),
        state: 'failed',
        failure: { hostId: report.hostId, reason },
        finishedAt: now,
      },
      move: null,
      message: `upgrade to K3s ${upgrade.kubernetesVersion} stopped: ${reason.message}`,
    };
  }
  const onTarget =
    moving.method === 'reinstall' || (report.image?.name === upgrade.osProfile.name && report.image.version === upgrade.osProfile.version);
  if (report.phase !== 'ready' || !onTarget) return null;
  return moveNext(withStep(upgrade, moving.hostId, 'done'), now);
}

/**
 * A node left the cluster (deauthorized): its step goes. Had it been moving, nothing would report for it, so the
 * rollout stops with the reason; asking for the same target again goes on with the next node.
 */
export function removeFromRollout(upgrade: ClusterUpgrade, hostId: string, host: string, now: string): ClusterUpgrade {
  const step = upgrade.steps.find((s) => s.hostId === hostId);
  if (!step) return upgrade;
  const steps = upgrade.steps.filter((s) => s.hostId !== hostId);
  if (upgrade.state !== 'rolling' || step.state !== 'moving') return { ...upgrade, steps };
  const reason = {
    code: 'UpgradeNodeFailed' as const,
    message: `host ${host} left the cluster while it moved to K3s ${upgrade.kubernetesVersion}; ask for the same upgrade again to go on with the next node`,
    details: { hostId, kubernetesVersion: upgrade.kubernetesVersion },
  };
  return { ...upgrade, steps, state: 'failed', failure: { hostId, reason }, finishedAt: now };
}

/** The K3s version a node runs now: the upgrade's once it started moving, the cluster's before. */
export function computeNodeKubernetesVersion(cluster: Pick<Cluster, 'kubernetesVersion' | 'upgrade'>, hostId: string): string {
  const step = cluster.upgrade?.steps.find((s) => s.hostId === hostId);
  return step && step.state !== 'pending' && cluster.upgrade!.state !== 'done'
    ? cluster.upgrade!.kubernetesVersion
    : cluster.kubernetesVersion;
}

/** While an upgrade is rolling or stopped, the cluster's K3s and nodes change only through it. */
export const isUpgradeUnfinished = (cluster: Pick<Cluster, 'upgrade'>): boolean =>
  cluster.upgrade !== undefined && cluster.upgrade.state !== 'done';

function moveNext(upgrade: ClusterUpgrade, now: string): RolloutProgress {
  const next = upgrade.steps.find((s) => s.state === 'pending');
  const done = upgrade.steps.filter((s) => s.state === 'done').length;
  if (!next)
    return {
      upgrade: { ...upgrade, state: 'done', failure: null, finishedAt: now },
      move: null,
      message: `upgraded to K3s ${upgrade.kubernetesVersion}`,
    };
  const moved = withStep({ ...upgrade, state: 'rolling', failure: null }, next.hostId, 'moving');
  return {
    upgrade: moved,
    move: { ...next, state: 'moving' },
    message: `upgrading to K3s ${upgrade.kubernetesVersion}: node ${done + 1} of ${upgrade.steps.length} moving`,
  };
}

const withStep = (upgrade: ClusterUpgrade, hostId: string, state: UpgradeStep['state']): ClusterUpgrade => ({
  ...upgrade,
  steps: upgrade.steps.map((s) => (s.hostId === hostId ? { ...s, state } : s)),
});
