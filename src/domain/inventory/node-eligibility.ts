/**
 * Whether a host can become a node of a cluster made from a template (DESIGN.md, Manual cluster creation), and
 * how: as it runs (option 1, the default), provisioned with a chosen OS profile first (option 3), or moved to a
 * compatible version of its OS profile first (option 2). Every "no" is a reason; compatibility itself is
 * computeCompatibility's alone.
 */
import { computeCompatibility, type Compatibility } from '../compatibility/compatibility.ts';
import { compareKubernetesVersions, tryParseKubernetesVersion } from '../compatibility/k8s-version.ts';
import type { Reason } from '../reasons.ts';
import type { Host } from './host.ts';
import type { Instance } from './instance.ts';
import { formatOsProfileRef, type OsProfile } from './os-profile.ts';
import type { ClusterTemplate } from './template.ts';

type CompatibleResult = Extract<Compatibility, { compatible: true }>;

export type NodeEligibility =
  | {
      eligible: true;
      /** The OS profile version the node runs (after provisioning or updating, when either is due). */
      osProfile: OsProfile;
      compatibility: CompatibleResult;
      /** Option 3: create an instance of `osProfile` first. */
      provision: boolean;
      /** Option 2: move the instance to `osProfile` (another version of its profile) first. */
      update: boolean;
    }
  | { eligible: false; reason: Reason };

/**
 * What the cluster's existing nodes fix for a joining host: the K3s version only. Nodes may run different OS
 * profiles; one whose image embeds K3s must embed this version (air-gapped), one whose image embeds none
 * downloads it.
 */
export interface ClusterConstraints {
  kubernetesVersion: string;
}

export interface EligibilityInput {
  host: Pick<Host, 'id' | 'name' | 'state'>;
  instance: Pick<Instance, 'osProfile' | 'osProfileVersion' | 'state'> | null;
  /** The cluster the host is already a node of (deleting ones included: the host is not free until it left). */
  clusterOf: string | null;
  template: ClusterTemplate;
  /** The exact OS profile version the host's instance records; null when it has no instance (or the version is gone). */
  currentProfile: OsProfile | null;
  /** Option 3: the OS profile to provision a host without an instance with. */
  requestedProfile?: OsProfile | null;
  /** Option 2: every version of the instance's OS profile, to pick a compatible one from. */
  osUpdate?: { versions: OsProfile[] } | null;
  /** Set when the host joins an existing cluster, or is not the first node of a new one. */
  cluster?: ClusterConstraints | null;
}

const no = (reason: Reason): NodeEligibility => ({ eligible: false, reason });

export function computeNodeEligibility(input: EligibilityInput): NodeEligibility {
  const { host, instance, clusterOf, template, currentProfile, requestedProfile, osUpdate } = input;
  if (host.state === 'deauthorized')
    return no({ code: 'HostDeauthorized', message: `host ${host.name} is deauthorized`, details: { hostId: host.id } });
  if (clusterOf !== null)
    return no({
      code: 'ClusterConflict',
      message: `host ${host.name} is already a node of cluster ${clusterOf}`,
      details: { hostId: host.id, cluster: clusterOf },
    });
  if (!instance) {
    if (!requestedProfile)
      return no({
        code: 'NotProvisioned',
        message: `host ${host.name} has no instance; name an osProfile to provision it when the cluster is created`,
        details: { hostId: host.id },
      });
    return withConstraints(input, requestedProfile, { provision: true, update: false });
  }
  const running = formatOsProfileRef({ name: instance.osProfile, version: instance.osProfileVersion });
  if (requestedProfile && requestedProfile.name !== instance.osProfile)
    return no({
      code: 'InstanceConflict',
      message: `host ${host.name} already has an instance of OS profile ${running}, not ${requestedProfile.name}`,
      details: { hostId: host.id, osProfile: instance.osProfile, osProfileVersion: instance.osProfileVersion },
    });
  if (!currentProfile)
    return no({
      code: 'NotProvisioned',
      message: `host ${host.name}'s instance records OS profile ${running}, which is no longer imported`,
      details: { hostId: host.id, osProfile: instance.osProfile },
    });
  if (instance.state !== 'running')
    return no({
      code: 'NotProvisioned',
      message: `host ${host.name} has not reported running OS profile ${running} yet`,
      details: { hostId: host.id, osProfile: instance.osProfile },
    });
  const current = withConstraints(input, currentProfile, { provision: false, update: false });
  if (current.eligible || !osUpdate) return current;
  if (current.reason.code !== 'K3sVersionMismatch' && current.reason.code !== 'NodeVersionDiffers') return current;
  const target = computeOsUpdateTarget({ template, current: currentProfile, versions: osUpdate.versions, cluster: input.cluster ?? null });
  if (!target)
    return no({
      code: 'NoCompatibleOsVersion',
      message:
        currentProfile.osType !== 'immutable'
          ? `host ${host.name} runs ${running}, which is not an image-based OS: only an immutable EMT image is updated as a whole`
          : `no imported version of OS profile ${currentProfile.name} embeds K3s ${input.cluster?.kubernetesVersion ?? template.kubernetesVersion} (${current.reason.message})`,
      details: { hostId: host.id, osProfile: currentProfile.name, templateVersion: template.kubernetesVersion },
    });
  return withConstraints(input, target, { provision: false, update: true });
}

/**
 * Option 2's target: the newest version of the host's image-based OS profile that is compatible with the
 * template (and runs the cluster's Kubernetes version when joining). Never the version it runs now.
 */
export function computeOsUpdateTarget({
  template,
  current,
  versions,
  cluster,
}: {
  template: ClusterTemplate;
  current: OsProfile;
  versions: OsProfile[];
  cluster: ClusterConstraints | null;
}): OsProfile | null {
  if (current.osType !== 'immutable') return null;
  const fits = versions.filter((p) => {
    if (p.name !== current.name || p.version === current.version || p.osType !== 'immutable') return false;
    const compatibility = computeCompatibility(template, p);
    return compatibility.compatible && (cluster === null || compatibility.kubernetesVersion === cluster.kubernetesVersion);
  });
  // The newest embedded K3s first; versions of one name are listed newest first by the store, which breaks ties.
  return (
    fits.sort((a, b) => {
      const va = tryParseKubernetesVersion(a.kubernetes?.version ?? '');
      const vb = tryParseKubernetesVersion(b.kubernetes?.version ?? '');
      return va && vb ? compareKubernetesVersions(vb, va) : 0;
    })[0] ?? null
  );
}

function withConstraints(
  { host, template, cluster }: EligibilityInput,
  profile: OsProfile,
  how: { provision: boolean; update: boolean },
): NodeEligibility {
  // A joining node runs the cluster's version, which an upgrade may have moved past the template's.
  const compatibility = computeCompatibility(cluster ? { ...template, kubernetesVersion: cluster.kubernetesVersion } : template, profile);
  if (compatibility.compatible) return { eligible: true, osProfile: profile, compatibility, ...how };
  if (cluster && compatibility.reason.code === 'K3sVersionMismatch') {
    const embedded = profile.kubernetes!.version;
    return no({
      code: 'NodeVersionDiffers',
      message: `host ${host.name} would run K3s ${embedded} (OS profile ${formatOsProfileRef(profile)} embeds it), but the nodes of this cluster run ${cluster.kubernetesVersion}; every node runs one K3s version`,
      details: { hostId: host.id, kubernetesVersion: embedded, clusterVersion: cluster.kubernetesVersion },
    });
  }
  return no(compatibility.reason);
}
