/**
 * The upgrade guard: may a cluster node's instance move to another OS profile version? The new image's embedded
 * K3s must not downgrade the cluster, skip a Kubernetes minor, or differ from what the other nodes run
 * (Kubernetes supports upgrades one minor at a time, and every node of a cluster runs one K3s version).
 */
import type { Cluster } from '../inventory/cluster.ts';
import { formatOsProfileRef, type OsProfile } from '../inventory/os-profile.ts';
import type { Reason } from '../reasons.ts';
import { compareKubernetesVersions, tryParseKubernetesVersion } from './k8s-version.ts';

export type UpgradeDecision =
  /** `kubernetesVersion`: what the cluster runs once the host reports the new image (unchanged when equal). */
  { allowed: true; kubernetesVersion: string } | { allowed: false; reason: Reason };

export interface UpgradeInput {
  cluster: Pick<Cluster, 'name' | 'flavor' | 'kubernetesVersion'>;
  /** The host whose instance changes. */
  host: string;
  /** Whether the host runs the K3s its current image embeds (air-gapped); one that downloaded its K3s keeps it. */
  airGapped: boolean;
  /** The OS profile version the instance would move to. */
  target: Pick<OsProfile, 'name' | 'version' | 'kubernetes'>;
  /** The cluster's other nodes and the K3s their images embed (null: none, they run what they downloaded). */
  otherNodes: { host: string; embeddedVersion: string | null }[];
}

export function computeUpgradeDecision({ cluster, host, airGapped, target, otherNodes }: UpgradeInput): UpgradeDecision {
  const running = cluster.kubernetesVersion;
  const profileRef = formatOsProfileRef(target);
  const embedded = computeEmbeddedVersion(cluster, target);
  const details = { cluster: cluster.name, clusterVersion: running, osProfile: target.name, osProfileVersion: target.version };
  if (embedded === null) {
    // Without an embedded K3s the node keeps the K3s it downloaded; an air-gapped one would lose its binary.
    if (!airGapped) return { allowed: true, kubernetesVersion: running };
    return refuse({
      code: 'EmbeddedK3sRemoved',
      message: `OS profile ${profileRef} embeds no K3s, but host ${host} runs cluster ${cluster.name} air-gapped on the K3s ${running} its image embeds`,
      details,
    });
  }
  const step = computeVersionStepRefusal(cluster, target);
  if (step) return refuse(step);
  const withEmbedded = { ...details, embeddedVersion: embedded };
  const differing = otherNodes.find((node) => (node.embeddedVersion ?? running) !== embedded);
  if (differing) {
    const theirs = differing.embeddedVersion ?? running;
    return refuse({
      code: 'K3sDiffersFromNodes',
      message: `OS profile ${profileRef} embeds K3s ${embedded}, but host ${differing.host} of cluster ${cluster.name} runs ${theirs}; every node of a cluster runs one K3s version, so upgrade the cluster as a whole (its nodes move one at a time)`,
      details: { ...withEmbedded, node: differing.host, nodeVersion: theirs },
    });
  }
  return { allowed: true, kubernetesVersion: embedded };
}

const refuse = (reason: Reason): UpgradeDecision => ({ allowed: false, reason });

/** The K3s of the cluster's flavor an OS profile version embeds, or null. */
export const computeEmbeddedVersion = (cluster: Pick<Cluster, 'flavor'>, profile: Pick<OsProfile, 'kubernetes'>): string | null =>
  profile.kubernetes?.flavor === cluster.flavor ? profile.kubernetes.version : null;

/**
 * Why the cluster cannot move to the K3s `target` embeds (a downgrade, or a skipped minor), or null when it can
 * (the same version included). Shared by one node's move and a cluster's rolling upgrade.
 */
export function computeVersionStepRefusal(
  cluster: Pick<Cluster, 'name' | 'flavor' | 'kubernetesVersion'>,
  target: Pick<OsProfile, 'name' | 'version' | 'kubernetes'>,
): Reason | null {
  const running = cluster.kubernetesVersion;
  const embedded = computeEmbeddedVersion(cluster, target);
  if (embedded === null) return null;
  const profileRef = formatOsProfileRef(target);
  const details = {
    cluster: cluster.name,
    clusterVersion: running,
    osProfile: target.name,
    osProfileVersion: target.version,
    embeddedVersion: embedded,
  };
  // Both are parsed strictly where they enter (template and OS profile import), so they order.
  const from = tryParseKubernetesVersion(running);
  const to = tryParseKubernetesVersion(embedded);
  if (!from || !to) return null;
  if (compareKubernetesVersions(to, from) < 0)
    return {
      code: 'K3sDowngrade',
      message: `OS profile ${profileRef} embeds K3s ${embedded}, older than the ${running} cluster ${cluster.name} runs; Kubernetes cannot be downgraded`,
      details,
    };
  if (to.major !== from.major || to.minor > from.minor + 1)
    return {
      code: 'K3sMinorSkipped',
      message: `OS profile ${profileRef} embeds K3s ${embedded}, which skips a Kubernetes minor from the ${running} cluster ${cluster.name} runs; move one minor at a time (v${from.major}.${from.minor + 1})`,
      details,
    };
  return null;
}
