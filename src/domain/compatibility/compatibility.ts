/**
 * The heart of edge-orch: can template T run on OS profile P, and is it air-gapped? (DESIGN.md, Compatibility)
 * Every "no" carries a machine-readable reason; `airGapped` is decided here from P, never from T. A template whose
 * flavor edge-orch cannot install is compatible with nothing (installability.ts).
 */
import { formatOsProfileRef, type OsProfile } from '../inventory/os-profile.ts';
import type { Reason } from '../reasons.ts';
import { BARE_KUBERNETES_VERSION, templateAirGappedSetting, type ClusterTemplate } from '../inventory/template.ts';
import { computeInstallability } from './installability.ts';
import { tryParseKubernetesVersion } from './k8s-version.ts';

export type Compatibility =
  | {
      compatible: true;
      airGapped: boolean;
      /** Why this mode: EmbeddedVersion (air-gapped) or NoEmbeddedK3s (download at install). */
      basis: 'EmbeddedVersion' | 'NoEmbeddedK3s';
      /**
       * The exact build installed: the template's version, or the image's embedded K3s when the template names
       * only vX.Y.Z (cluster-manager lets the flavor decide the build).
       */
      kubernetesVersion: string;
      /** Set when the template hard-codes agentConfig.airGapped to a value the orchestrator overrides. */
      override?: Reason;
    }
  | { compatible: false; airGapped: false; reason: Reason };

type CompatibilityTemplate = Pick<ClusterTemplate, 'name' | 'version' | 'flavor' | 'kubernetesVersion' | 'config'>;
type CompatibilityProfile = Pick<OsProfile, 'name' | 'version' | 'kubernetes'>;

export function computeCompatibility(template: CompatibilityTemplate, profile: CompatibilityProfile): Compatibility {
  const installability = computeInstallability(template);
  if (!installability.installable) return incompatible(installability.reason);
  const requested = template.kubernetesVersion;
  const embedded = profile.kubernetes;
  const unpinned = BARE_KUBERNETES_VERSION.test(requested);
  const profileRef = formatOsProfileRef(profile);
  if (!embedded || embedded.flavor !== 'k3s') {
    if (unpinned) {
      return incompatible({
        code: 'K3sBuildUnpinned',
        message: `template ${template.name}:${template.version} names Kubernetes ${requested} without a K3s build (+k3sN) and OS profile ${profileRef} embeds no K3s to decide it; edge-orch downloads exact builds only`,
        details: { templateVersion: requested, osProfile: profile.name, osProfileVersion: profile.version },
      });
    }
    return withOverride(template, { compatible: true, airGapped: false, basis: 'NoEmbeddedK3s', kubernetesVersion: requested });
  }
  if (embedded.version === requested || (unpinned && samePatch(embedded.version, requested))) {
    return withOverride(template, { compatible: true, airGapped: true, basis: 'EmbeddedVersion', kubernetesVersion: embedded.version });
  }
  return incompatible({
    code: 'K3sVersionMismatch',
    message: `template ${template.name}:${template.version} needs K3s ${requested} but OS profile ${profileRef} embeds K3s ${embedded.version}`,
    details: { templateVersion: requested, embeddedVersion: embedded.version, osProfile: profile.name, osProfileVersion: profile.version },
  });
}

const incompatible = (reason: Reason): Compatibility => ({ compatible: false, airGapped: false, reason });

/** v1.32.4+k3s1 is a build of v1.32.4. */
const samePatch = (build: string, bare: string): boolean => {
  const parsed = tryParseKubernetesVersion(build);
  return parsed !== null && `v${parsed.major}.${parsed.minor}.${parsed.patch}` === bare;
};

function withOverride(template: CompatibilityTemplate, result: Extract<Compatibility, { compatible: true }>): Compatibility {
  const hardCoded = templateAirGappedSetting(template);
  if (hardCoded === undefined || hardCoded === result.airGapped) return result;
  return {
    ...result,
    override: {
      code: 'AirGappedOverridden',
      message: `template sets agentConfig.airGapped=${hardCoded}; the OS profile decides airGapped=${result.airGapped} (${BASIS_EXPLANATION[result.basis]})`,
      details: { templateValue: String(hardCoded), decided: String(result.airGapped) },
    },
  };
}

const BASIS_EXPLANATION: Record<Extract<Compatibility, { compatible: true }>['basis'], string> = {
  EmbeddedVersion: 'the image embeds exactly this K3s version, so it installs without downloading',
  NoEmbeddedK3s: 'the image embeds no K3s, so it is downloaded',
};
