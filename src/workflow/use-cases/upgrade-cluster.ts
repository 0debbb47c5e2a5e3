/**
 * A rolling upgrade of a whole cluster (cluster-upgrade.ts decides it, upgrade-rollout.ts steps it): asking for
 * it records the upgrade on the cluster and moves its first node; each report of the moving node may move the
 * next one (advanceClusterUpgrade, called when an agent reports). Asking again while one is unfinished is
 * refused, except the same target of a stopped one, which resumes it.
 */
import { computeClusterUpgrade, type UpgradeNode } from '../../domain/compatibility/cluster-upgrade.ts';
import { advanceRollout, startRollout, type RolloutProgress } from '../../domain/compatibility/upgrade-rollout.ts';
import { AppError } from '../../domain/errors.ts';
import type { Cluster, NodePhase } from '../../domain/inventory/cluster.ts';
import { parseOsProfileRef } from '../../domain/inventory/os-profile.ts';
import { createReasonError } from '../../domain/reason-error.ts';
import type { Store } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function upgradeCluster(
  { store, events, now = Date.now }: Pick<UseCaseDeps, 'store' | 'events' | 'now'>,
  { project, name, osProfile }: { project: string; name: string; osProfile: string },
): Promise<Cluster> {
  const ref = parseOsProfileRef(osProfile, 'osProfile');
  const updated = await store.transaction(async (tx) => {
    // Locked first: of two upgrades asked at once, the second sees the first and is refused.
    const cluster = await tx.clusters.lock(project, name);
    if (cluster.phase === 'deleting' || cluster.phase === 'deleted')
      throw new AppError('InvalidState', `cluster ${name} is being deleted; it cannot be upgraded`);
    if (cluster.driver !== 'agent')
      throw new AppError(
        'InvalidState',
        `cluster ${name} uses the ${cluster.driver} driver; its nodes are upgraded by that driver, not by edge-orch`,
      );
    const target = await tx.osProfiles.get(project, ref);
    const nodes = await Promise.all(cluster.nodes.map((node) => loadUpgradeNode(tx, project, node)));
    const at = new Date(now()).toISOString();
    const decision = computeClusterUpgrade({ cluster, target, nodes, now: at });
    if (!decision.allowed) throw createReasonError(decision.reason, { field: 'osProfile' });
    return recordProgress(tx, project, cluster, startRollout(decision.upgrade, at));
  });
  for (const node of updated.nodes) events.changed(project, node.hostId);
  return updated;
}

/**
 * Steps the cluster's rolling upgrade with a report of one of its nodes, in the report's transaction. Returns
 * the host that starts moving (its agent must be woken), or null.
 */
export async function advanceClusterUpgrade(
  tx: Store,
  {
    project,
    cluster,
    report,
    now,
  }: {
    project: string;
    cluster: Cluster;
    report: { hostId: string; host: string; phase: NodePhase; message: string; image: { name: string; version: string } | null };
    now: string;
  },
): Promise<string | null> {
  if (!cluster.upgrade) return null;
  const progress = advanceRollout(cluster.upgrade, report, now);
  if (!progress) return null;
  await recordProgress(tx, project, cluster, progress);
  return progress.move?.hostId ?? null;
}

/** Records the upgrade's state, moves the next node's instance, and the cluster's version when the last is done. */
async function recordProgress(tx: Store, project: string, cluster: Cluster, { upgrade, move, message }: RolloutProgress): Promise<Cluster> {
  if (move?.method === 'update-os') {
    const instance = await tx.instances.findByHost(project, move.hostId);
    if (instance) await tx.instances.setOsProfile(project, instance.id, upgrade.osProfile);
  }
  return tx.clusters.update(project, cluster.name, {
    upgrade,
    message,
    ...(upgrade.state === 'done' ? { kubernetesVersion: upgrade.kubernetesVersion } : {}),
  });
}

async function loadUpgradeNode(tx: Store, project: string, node: Cluster['nodes'][number]): Promise<UpgradeNode> {
  const [host, instance] = await Promise.all([tx.hosts.get(project, node.hostId), tx.instances.findByHost(project, node.hostId)]);
  const profile = instance ? await tx.osProfiles.find(project, { name: instance.osProfile, version: instance.osProfileVersion }) : null;
  return { hostId: node.hostId, host: host.name, role: node.role, profile };
}
