/**
 * Creating a cluster on existing hosts (DESIGN.md, Manual cluster creation), in one transaction: every host is
 * checked (decideNodes) before anything is written, then instances are provisioned or updated where asked, and
 * the cluster is created, which claims its hosts (of concurrent creates naming one host, one wins).
 */
import { AppError } from '../../domain/errors.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { ClusterRequest } from '../../domain/inventory/cluster-request.ts';
import { formatTemplateRef } from '../../domain/inventory/template.ts';
import { decideNodes, writeNodeInstances, type HostSteps } from './place-nodes.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export interface ClusterChange {
  cluster: Cluster;
  hosts: HostSteps[];
}

export async function createCluster(
  deps: Pick<UseCaseDeps, 'store' | 'events' | 'clusterDriver'>,
  { project, request }: { project: string; request: ClusterRequest },
): Promise<ClusterChange> {
  const change = await deps.store.transaction(async (tx) => {
    if (await tx.clusters.find(project, request.name))
      throw new AppError('AlreadyExists', `cluster ${request.name} already exists in project ${project}`, {
        field: 'name',
        extra: { existing: { name: request.name } },
      });
    const template = await tx.templates.get(project, request.template);
    const placed = await decideNodes(tx, project, { template, nodes: request.nodes, placement: request, existing: [], cluster: null });
    const first = placed[0]!.eligibility;
    const hosts = await writeNodeInstances(tx, project, placed, request.name);
    const { clusterDriver: driver } = await tx.managementClusters.settings(project);
    const cluster = await tx.clusters.create(project, {
      name: request.name,
      template: request.template,
      flavor: template.flavor,
      kubernetesVersion: first.compatibility.kubernetesVersion,
      osProfile: first.osProfile.name,
      nodes: placed.map((p) => ({ hostId: p.host.id, role: p.role })),
      // Air-gapped only when no node downloads K3s: each node's plan says its own mode.
      airGapped: placed.every((p) => p.eligibility.compatibility.airGapped),
      airGappedOverride: first.compatibility.override ?? null,
      driver,
      phase: 'waiting-for-nodes',
      message: `created from template ${formatTemplateRef(request.template)}; waiting for ${placed.length === 1 ? 'its host' : `its ${placed.length} hosts`} to install K3s`,
      labels: { ...template.labels, ...request.labels },
      autoCreated: false,
      deletionPolicy: request.deleteOnDeauthorize ? 'delete' : 'orphan',
    });
    return { cluster, hosts };
  });
  for (const node of change.cluster.nodes) deps.events.changed(project, node.hostId);
  deps.clusterDriver?.nudge(project);
  return change;
}
