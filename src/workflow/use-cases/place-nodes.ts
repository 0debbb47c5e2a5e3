/**
 * Deciding, then writing, how hosts become nodes of a cluster (shared by creating a cluster and adding nodes):
 * every host is checked before anything is written; a refusal names every refused host with its reason, in the
 * registration job's step model. Writing provisions (option 3) or updates (option 2) the hosts' instances; the
 * caller then claims the hosts as nodes in the same transaction.
 */
import { invalidFields } from '../../domain/errors.ts';
import type { ClusterNode } from '../../domain/inventory/cluster.ts';
import type { NodeRequest, PlacementRequest } from '../../domain/inventory/cluster-request.ts';
import { checkClusterNodes } from '../../domain/inventory/cluster-topology.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { computeNodeEligibility, type ClusterConstraints, type NodeEligibility } from '../../domain/inventory/node-eligibility.ts';
import type { OsProfile } from '../../domain/inventory/os-profile.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';
import { createReasonError } from '../../domain/reason-error.ts';
import type { Reason } from '../../domain/reasons.ts';
import type { StepState } from '../../domain/registration/registration-steps.ts';
import type { Store } from '../../store/store.ts';
import { createPendingSteps } from '../../domain/registration/registration-steps.ts';
import { recordStepOutcome } from '../host-steps.ts';
import { loadNodeCandidate } from './load-node-candidate.ts';
import { resolveHost } from './resolve-host.ts';

export interface PlacedNode {
  host: Host;
  role: ClusterNode['role'];
  eligibility: Extract<NodeEligibility, { eligible: true }>;
}

/** One host's steps in an answer. */
export interface HostSteps {
  hostId: string;
  name: string;
  steps: StepState[];
}

const INSTANCE_REASONS: readonly Reason['code'][] = ['HostDeauthorized', 'NotProvisioned', 'InstanceConflict'];

/**
 * Each requested host's eligibility for a cluster of `template`; `existing` are the cluster's current nodes
 * (none for a new cluster) and `cluster` what they fix. The first eligible host of a new cluster fixes the K3s
 * version for the others (their OS profiles may differ).
 */
export async function decideNodes(
  tx: Store,
  project: string,
  {
    template,
    nodes,
    placement,
    existing,
    cluster,
  }: {
    template: ClusterTemplate;
    nodes: NodeRequest[];
    placement: PlacementRequest;
    existing: ClusterNode[];
    cluster: ClusterConstraints | null;
  },
): Promise<PlacedNode[]> {
  const requested = placement.osProfile ? await tx.osProfiles.get(project, placement.osProfile) : null;
  const hosts = await Promise.all(nodes.map((n) => resolveHost({ store: tx }, project, n.host)));
  const topology = checkClusterNodes(
    [...existing, ...hosts.map((host, i) => ({ hostId: host.id, role: nodes[i]!.role }))],
    (id) => hosts.find((h) => h.id === id)?.name ?? id,
  ).map((p) => ({ ...p, field: shiftNodeField(p.field, existing.length) }));
  if (topology.length > 0) throw invalidFields(topology);

  let constraints = cluster;
  const placed: PlacedNode[] = [];
  const refused: { index: number; host: Host; reason: Reason; steps: StepState[] }[] = [];
  for (const [index, host] of hosts.entries()) {
    const candidate = await loadNodeCandidate(tx, project, host);
    const versions = placement.osUpdate && candidate.instance ? await tx.osProfiles.versions(project, candidate.instance.osProfile) : null;
    const eligibility = computeNodeEligibility({
      ...candidate,
      template,
      requestedProfile: requested,
      osUpdate: versions ? { versions } : null,
      cluster: constraints,
    });
    if (!eligibility.eligible) {
      refused.push({ index, host, reason: eligibility.reason, steps: refusedSteps(candidate.instance?.id ?? null, eligibility.reason) });
      continue;
    }
    constraints ??= { kubernetesVersion: eligibility.compatibility.kubernetesVersion };
    placed.push({ host, role: nodes[index]!.role, eligibility });
  }
  const [first] = refused;
  if (first) {
    throw createReasonError(first.reason, {
      field: `nodes/${first.index}/host`,
      extra: { hosts: refused.map(({ host, steps }) => ({ hostId: host.id, name: host.name, steps })) },
    });
  }
  return placed;
}

/** Provisions (option 3) and updates (option 2) the placed hosts' instances; their steps up to the cluster step. */
export async function writeNodeInstances(tx: Store, project: string, placed: PlacedNode[], clusterName: string): Promise<HostSteps[]> {
  const results: HostSteps[] = [];
  for (const { host, eligibility } of placed) {
    const exact = { name: eligibility.osProfile.name, version: eligibility.osProfile.version };
    let instance = await tx.instances.findByHost(project, host.id);
    let progress = createPendingSteps(['create-instance', 'create-cluster']);
    if (eligibility.provision) {
      instance = await tx.instances.create(project, { hostId: host.id, osProfile: exact });
      progress = recordStepOutcome(progress, 'create-instance', { ok: true, resourceId: instance.id, created: true });
    } else {
      if (eligibility.update) instance = await tx.instances.setOsProfile(project, instance!.id, exact);
      progress = recordStepOutcome(progress, 'create-instance', {
        ok: true,
        resourceId: instance!.id,
        created: false,
        reason: {
          code: 'AlreadyProvisioned',
          message: eligibility.update
            ? `instance ${instance!.id} moves to OS profile ${describeProfile(eligibility.osProfile)}, which embeds K3s ${eligibility.compatibility.kubernetesVersion}; the host updates its image, reboots and then joins`
            : `already provisioned: instance ${instance!.id} runs OS profile ${describeProfile(eligibility.osProfile)}`,
          details: { instanceId: instance!.id },
        },
      });
    }
    progress = recordStepOutcome(progress, 'create-cluster', { ok: true, resourceId: clusterName, created: true });
    results.push({ hostId: host.id, name: host.name, steps: progress.steps });
  }
  return results;
}

const describeProfile = (p: OsProfile): string => `${p.name}:${p.version}`;

function refusedSteps(instanceId: string | null, reason: Reason): StepState[] {
  const progress = createPendingSteps(['create-instance', 'create-cluster']);
  if (INSTANCE_REASONS.includes(reason.code)) return recordStepOutcome(progress, 'create-instance', { ok: false, reason }).steps;
  const withInstance =
    instanceId === null
      ? progress
      : recordStepOutcome(progress, 'create-instance', {
          ok: true,
          resourceId: instanceId,
          created: false,
          reason: { code: 'AlreadyProvisioned', message: `instance ${instanceId} exists`, details: { instanceId } },
        });
  return recordStepOutcome(withInstance, 'create-cluster', { ok: false, reason }).steps;
}

/** A topology problem counts nodes after the existing ones; the request's own nodes start at 0. */
function shiftNodeField(field: string, offset: number): string {
  const m = /^nodes\/(\d+)(\/.*)?$/.exec(field);
  if (!m || offset === 0) return field;
  const index = Number(m[1]) - offset;
  return index < 0 ? 'nodes' : `nodes/${index}${m[2] ?? ''}`;
}
