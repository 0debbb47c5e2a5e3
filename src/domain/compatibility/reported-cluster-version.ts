/**
 * After an allowed OS profile change (upgrade-guard.ts), the cluster's recorded Kubernetes version follows the
 * host only once the host reports the new image: the version it records is the one actually run.
 */
import type { AgentReport } from '../bootstrap/agent-report.ts';
import type { Cluster } from '../inventory/cluster.ts';
import type { Instance } from '../inventory/instance.ts';
import { compareKubernetesVersions, tryParseKubernetesVersion } from './k8s-version.ts';
import { isUpgradeUnfinished } from './upgrade-rollout.ts';

/** The version the cluster runs from now on, or null when the report changes nothing. */
export function computeReportedClusterVersion({
  instance,
  cluster,
  manifest,
}: {
  instance: Pick<Instance, 'osProfile' | 'osProfileVersion'> | null;
  cluster: Pick<Cluster, 'flavor' | 'kubernetesVersion' | 'phase' | 'upgrade'> | null;
  manifest: AgentReport['manifest'];
}): string | null {
  if (!instance || !cluster || !manifest?.kubernetes || cluster.phase === 'deleting' || cluster.phase === 'deleted') return null;
  // A rolling upgrade moves the cluster's version when its last node is done (upgrade-rollout.ts).
  if (isUpgradeUnfinished(cluster)) return null;
  const runsDesired = manifest.image.name === instance.osProfile && manifest.image.version === instance.osProfileVersion;
  if (!runsDesired || manifest.kubernetes.flavor !== cluster.flavor) return null;
  const reported = tryParseKubernetesVersion(manifest.kubernetes.version);
  const recorded = tryParseKubernetesVersion(cluster.kubernetesVersion);
  // Only forward: the guard refused downgrades, so an older report is a stale image, not an upgrade.
  return reported && recorded && compareKubernetesVersions(reported, recorded) > 0 ? reported.raw : null;
}
