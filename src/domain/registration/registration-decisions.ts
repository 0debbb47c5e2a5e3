/**
 * What each registration step does, decided from what exists now (STYLE R2: re-observe, never trust earlier
 * flags): create the resource, take the one that is already there, or fail naming the resource in the way.
 * The steps, the dry run and retries all decide through these functions.
 */
import type { Cluster } from '../inventory/cluster.ts';
import { computeCompatibility } from '../compatibility/compatibility.ts';
import type { Host, HostRegistration } from '../inventory/host.ts';
import type { Instance } from '../inventory/instance.ts';
import { formatOsProfileRef, type OsProfile, type OsProfileRef } from '../inventory/os-profile.ts';
import { reasonCodes } from '../reasons.ts';
import type { HostPlan, StepReason } from './registration-steps.ts';
import { formatTemplateRef, type ClusterTemplate, type TemplateRef } from '../inventory/template.ts';

export type StepDecision =
  { kind: 'create' } | { kind: 'exists'; resourceId: string; reason: StepReason } | { kind: 'fail'; reason: StepReason };

/** A cluster as the create-cluster step makes it. */
export type AutoCluster = Omit<Cluster, 'id' | 'project' | 'createdAt' | 'updatedAt'>;

const hostLabel = (h: Pick<Host, 'id' | 'name'>): string => `host ${h.name} (id ${h.id})`;

/** The fields that differ between an existing host and a registration, named. */
export function computeHostDifferences(existing: Host, registration: HostRegistration): string[] {
  const differences: string[] = [];
  for (const key of ['name', 'uuid', 'serial', 'site'] as const) {
    if (existing[key] !== registration[key])
      differences.push(`${key} ${JSON.stringify(existing[key])} ≠ ${JSON.stringify(registration[key])}`);
  }
  if (!sameLabels(existing.labels, registration.labels))
    differences.push(`labels ${JSON.stringify(existing.labels)} ≠ ${JSON.stringify(registration.labels)}`);
  return differences;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/**
 * register-host: `byIdentity` is the host with the same uuid or serial, `byName` the host with the same name
 * (when the caller can look it up). The same data again is AlreadyRegistered; anything else a HostConflict.
 */
export function computeRegisterHostDecision(
  registration: HostRegistration,
  { byIdentity, byName = null }: { byIdentity: Host | null; byName?: Host | null },
): StepDecision {
  if (byIdentity) {
    const differences = computeHostDifferences(byIdentity, registration);
    if (differences.length === 0) {
      return {
        kind: 'exists',
        resourceId: byIdentity.id,
        reason: {
          code: 'AlreadyRegistered',
          message: `already registered: ${hostLabel(byIdentity)} has the same data`,
          details: { hostId: byIdentity.id, hostName: byIdentity.name },
        },
      };
    }
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.HostConflict,
        message: `${hostLabel(byIdentity)} is already registered with this ${byIdentity.uuid === registration.uuid && registration.uuid !== null ? 'uuid' : 'serial'} but different data: ${differences.join('; ')}`,
        details: { hostId: byIdentity.id, hostName: byIdentity.name },
      },
    };
  }
  if (byName) {
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.HostConflict,
        message: `the name ${registration.name} is taken by ${hostLabel(byName)}, which has another uuid/serial`,
        details: { hostId: byName.id, hostName: byName.name },
      },
    };
  }
  return { kind: 'create' };
}

/**
 * create-instance: one instance per host; the same OS profile again is AlreadyProvisioned. A reference without a
 * version matches an instance of any version of the name (it asks for the profile, not for an upgrade).
 */
export function computeInstanceDecision(ref: OsProfileRef, existing: Instance | null): StepDecision {
  if (!existing) return { kind: 'create' };
  const osProfile = formatOsProfileRef(ref);
  const running = formatOsProfileRef({ name: existing.osProfile, version: existing.osProfileVersion });
  if (existing.osProfile === ref.name && (ref.version === undefined || ref.version === existing.osProfileVersion)) {
    return {
      kind: 'exists',
      resourceId: existing.id,
      reason: {
        code: reasonCodes.AlreadyProvisioned,
        message: `already provisioned: instance ${existing.id} runs OS profile ${running}`,
        details: { instanceId: existing.id },
      },
    };
  }
  return {
    kind: 'fail',
    reason: {
      code: reasonCodes.InstanceConflict,
      message: `the host already has instance ${existing.id} with OS profile ${running}, not ${osProfile}`,
      details: { instanceId: existing.id, osProfile: existing.osProfile, osProfileVersion: existing.osProfileVersion },
    },
  };
}

const sameRef = (a: TemplateRef, b: TemplateRef): boolean => a.name === b.name && a.version === b.version;

/**
 * create-cluster, after compatibility: `byHost` is the cluster the host is already a node of, `byName` the
 * cluster that has the wanted name. Only an identical single-node cluster counts as done.
 */
export function computeClusterDecision(
  desired: Pick<AutoCluster, 'name' | 'template' | 'osProfile'>,
  { byHost, byName }: { byHost: Cluster | null; byName: Cluster | null },
): StepDecision {
  if (byHost) {
    if (byHost.name === desired.name && sameRef(byHost.template, desired.template) && byHost.osProfile === desired.osProfile) {
      return {
        kind: 'exists',
        resourceId: byHost.name,
        reason: {
          code: reasonCodes.AlreadyInCluster,
          message: `already a node of cluster ${byHost.name} (${formatTemplateRef(byHost.template)} on ${byHost.osProfile})`,
          details: { cluster: byHost.name },
        },
      };
    }
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.ClusterConflict,
        message: `the host is already a node of cluster ${byHost.name} (${formatTemplateRef(byHost.template)} on ${byHost.osProfile})`,
        details: { cluster: byHost.name },
      },
    };
  }
  if (byName) {
    return {
      kind: 'fail',
      reason: {
        code: reasonCodes.ClusterConflict,
        message: `the cluster name ${desired.name} is taken by another cluster (nodes: ${byName.nodes.map((n) => n.hostId).join(', ') || 'none'})`,
        details: { cluster: byName.name },
      },
    };
  }
  return { kind: 'create' };
}

/**
 * The single-node cluster of a host, or the compatibility reason it cannot be made. airGapped is decided
 * from the OS profile (computeCompatibility), never taken from the template.
 */
export function computeAutoCluster({
  plan,
  hostId,
  template,
  profile,
}: {
  plan: Pick<HostPlan, 'cluster' | 'registration'>;
  hostId: string;
  template: ClusterTemplate;
  profile: OsProfile;
}): { ok: true; cluster: AutoCluster } | { ok: false; reason: StepReason } {
  if (!plan.cluster) throw new Error('computeAutoCluster needs a plan with a cluster');
  const compatibility = computeCompatibility(template, profile);
  if (!compatibility.compatible) return { ok: false, reason: compatibility.reason };
  return {
    ok: true,
    cluster: {
      name: plan.cluster.name,
      template: { name: template.name, version: template.version },
      flavor: template.flavor,
      kubernetesVersion: compatibility.kubernetesVersion,
      osProfile: profile.name,
      nodes: [{ hostId, role: 'all' }],
      airGapped: compatibility.airGapped,
      airGappedOverride: compatibility.override ?? null,
      driver: 'agent',
      phase: 'waiting-for-nodes',
      message: `waiting for host ${plan.registration.name} to join`,
      labels: { ...template.labels, ...plan.cluster.labels },
      autoCreated: true,
      deletionPolicy: 'delete',
    },
  };
}
