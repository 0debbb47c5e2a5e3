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
  cluster: Pick<Cluster, 'name' | 'flavor' | 'kubernetesVersion' | 'airGapped'>;
  /** The host whose instance changes. */
  host: string;
  /** The OS profile version the instance would move to. */
  target: Pick<OsProfile, 'name' | 'version' | 'kubernetes'>;
  /** The cluster's other nodes and the K3s their images embed (null: none, they run what they downloaded). */
  otherNodes: { host: string; embeddedVersion: string | null }[];
}

export function computeUpgradeDecision({ cluster, host, target, otherNodes }: UpgradeInput): UpgradeDecision {
  const running = cluster.kubernetesVersion;
  const profileRef = formatOsProfileRef(target);
  const embedded = target.kubernetes?.flavor === cluster.flavor ? target.kubernetes.version : null;
  const details = { cluster: cluster.name, clusterVersion: running, osProfile: target.name, osProfileVersion: target.version };
  if (embedded === null) {
    // Without an embedded K3s the node keeps the K3s it downloaded; an air-gapped one would lose its binary.
    if (!cluster.airGapped) return { allowed: true, kubernetesVersion: running };
    return refuse({
      code: 'EmbeddedK3sRemoved',
      message: `OS profile ${profileRef} embeds no K3s, but host ${host} runs air-gapped cluster ${cluster.name} on the K3s ${running} its image embeds`,
      details,
    });
  }
  const withEmbedded = { ...details, embeddedVersion: embedded };
  // Both are parsed strictly where they enter (template and OS profile import), so they order.
  const from = tryParseKubernetesVersion(running);
  const to = tryParseKubernetesVersion(embedded);
  if (from && to && compareKubernetesVersions(to, from) < 0) {
    return refuse({
      code: 'K3sDowngrade',
      message: `OS profile ${profileRef} embeds K3s ${embedded}, older than the ${running} cluster ${cluster.name} runs; Kubernetes cannot be downgraded`,
      details: withEmbedded,
    });
  }
  if (from && to && (to.major !== from.major || to.minor > from.minor + 1)) {
    return refuse({
      code: 'K3sMinorSkipped',
      message: `OS profile ${profileRef} embeds K3s ${embedded}, which skips a Kubernetes minor from the ${running} cluster ${cluster.name} runs; move one minor at a time (v${from.major}.${from.minor + 1})`,
      details: withEmbedded,
    });
  }
  const differing = otherNodes.find((node) => (node.embeddedVersion ?? running) !== embedded);
  if (differing) {
    const theirs = differing.embeddedVersion ?? running;
    return refuse({
      code: 'K3sDiffersFromNodes',
      message: `OS profile ${profileRef} embeds K3s ${embedded}, but host ${differing.host} of cluster ${cluster.name} runs ${theirs}; every node of a cluster runs one K3s version`,
      details: { ...withEmbedded, node: differing.host, nodeVersion: theirs },
    });
  }
  return { allowed: true, kubernetesVersion: embedded };
}

const refuse = (reason: Reason): UpgradeDecision => ({ allowed: false, reason });
