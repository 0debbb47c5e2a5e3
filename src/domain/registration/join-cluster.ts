/**
 * Registration joining an existing cluster (the CSV's K8sConfig `role:controlplane|worker;name:X`, or a request's
 * `cluster: {name, role}`): the create-cluster step adds the host as a node of cluster X instead of creating a
 * cluster, after the same checks as any node (node-eligibility.ts) against the cluster's template and K3s
 * version.
 */
import type { Cluster, ClusterNode } from '../inventory/cluster.ts';
import { isUpgradeUnfinished } from '../compatibility/upgrade-rollout.ts';
import { checkClusterNodes } from '../inventory/cluster-topology.ts';
import { computeNodeEligibility } from '../inventory/node-eligibility.ts';
import type { OsProfile } from '../inventory/os-profile.ts';
import { formatTemplateRef, type ClusterTemplate, type TemplateRef } from '../inventory/template.ts';
import { reasonCodes } from '../reasons.ts';
import type { StepDecision } from './registration-decisions.ts';

export type JoinDecision =
  | Exclude<StepDecision, { kind: 'create' }>
  /** `airGapped`: whether the joining node installs the K3s its image embeds (otherwise it downloads it). */
  | { kind: 'join'; nodes: ClusterNode[]; airGapped: boolean };

export function computeJoinDecision({
  host,
  role,
  name,
  template,
  profile,
  byHost,
  byName,
  clusterTemplate,
}: {
  host: { id: string; name: string };
  role: 'controlplane' | 'worker';
  /** The cluster to join. */
  name: string;
  /** The template the registration names for the host. */
  template: TemplateRef;
  /** The OS profile the host is provisioned with. */
  profile: OsProfile;
  byHost: Cluster | null;
  byName: Cluster | null;
  /** The template cluster `name` was made from (null when it is gone). */
  clusterTemplate: ClusterTemplate | null;
}): JoinDecision {
  if (byHost) {
    if (byHost.name === name)
      return {
        kind: 'exists',
        resourceId: name,
        reason: { code: reasonCodes.AlreadyInCluster, message: `already a node of cluster ${name}`, details: { cluster: name } },
      };
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.ClusterConflict,
        message: `the host is already a node of cluster ${byHost.name}`,
        details: { cluster: byHost.name },
      },
    };
  }
  if (!byName || byName.phase === 'deleting' || byName.phase === 'deleted')
    return {
      kind: 'fail',
      reason: {
        code: 'NotFound',
        message: `cluster ${name} ${byName ? 'is being deleted' : 'does not exist'}; role ${role} joins an existing cluster (create it first, or use role all for a cluster of this host alone)`,
      },
    };
  if (isUpgradeUnfinished(byName))
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.UpgradeInProgress,
        message: `cluster ${name} has an unfinished upgrade to K3s ${byName.upgrade!.kubernetesVersion}; a host joins it when the upgrade is done`,
        details: { cluster: name },
      },
    };
  if (byName.template.name !== template.name || byName.template.version !== template.version)
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.ClusterConflict,
        message: `cluster ${name} uses template ${formatTemplateRef(byName.template)}, not ${formatTemplateRef(template)}`,
        details: { cluster: name },
      },
    };
  if (!clusterTemplate)
    return {
      kind: 'fail',
      reason: { code: 'NotFound', message: `template ${formatTemplateRef(byName.template)} of cluster ${name} no longer exists` },
    };
  const eligibility = computeNodeEligibility({
    host: { ...host, state: 'onboarded' },
    instance: null,
    clusterOf: null,
    template: clusterTemplate,
    currentProfile: null,
    requestedProfile: profile,
    cluster: { kubernetesVersion: byName.kubernetesVersion },
  });
  if (!eligibility.eligible) return { kind: 'fail', reason: eligibility.reason };
  const nodes = [...byName.nodes.map(({ hostId, role: r }) => ({ hostId, role: r })), { hostId: host.id, role }];
  const [problem] = checkClusterNodes(nodes);
  if (problem)
    return { kind: 'fail', reason: { code: 'InvalidState', message: `host ${host.name} cannot join cluster ${name}: ${problem.message}` } };
  return { kind: 'join', nodes, airGapped: eligibility.compatibility.airGapped };
}
