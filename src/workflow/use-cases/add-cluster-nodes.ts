/**
 * Hosts joining an existing cluster: checked as at creation, and against what the cluster's nodes fix (its K3s
 * version), then claimed. The new nodes join the first server with the cluster's token.
 */
import { isUpgradeUnfinished } from '../../domain/compatibility/upgrade-rollout.ts';
import { AppError } from '../../domain/errors.ts';
import type { NodeRequest, PlacementRequest } from '../../domain/inventory/cluster-request.ts';
import type { ClusterChange } from './create-cluster.ts';
import { decideNodes, writeNodeInstances } from './place-nodes.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function addClusterNodes(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, name, nodes, placement }: { project: string; name: string; nodes: NodeRequest[]; placement: PlacementRequest },
): Promise<ClusterChange> {
  const change = await deps.store.transaction(async (tx) => {
    const cluster = await tx.clusters.get(project, name);
    if (cluster.phase === 'deleting' || cluster.phase === 'deleted')
      throw new AppError('InvalidState', `cluster ${name} is being deleted; no host can join it`);
    // A host joining mid-rollout would run a version the rollout does not move.
    if (isUpgradeUnfinished(cluster))
      throw new AppError(
        'InvalidState',
        `cluster ${name} has an unfinished upgrade to K3s ${cluster.upgrade!.kubernetesVersion}; add hosts when it is done`,
        {
          reason: 'UpgradeInProgress',
        },
      );
    const template = await tx.templates.get(project, cluster.template);
    const placed = await decideNodes(tx, project, {
      template,
      nodes,
      placement,
      existing: cluster.nodes,
      cluster: { kubernetesVersion: cluster.kubernetesVersion },
    });
    const hosts = await writeNodeInstances(tx, project, placed, name);
    const joined = placed.map((p) => p.host.name).join(', ');
    await tx.clusters.addNodes(
      project,
      name,
      placed.map((p) => ({ hostId: p.host.id, role: p.role })),
    );
    const updated = await tx.clusters.update(project, name, {
      message: `host ${joined} joining`,
      airGapped: cluster.airGapped && placed.every((p) => p.eligibility.compatibility.airGapped),
    });
    return { cluster: updated, hosts };
  });
  for (const node of change.cluster.nodes) deps.events.changed(project, node.hostId);
  return change;
}
