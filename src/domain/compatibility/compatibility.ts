/**
 * The heart of edge-orch: can template T run on OS profile P, and is it air-gapped? (DESIGN.md, Compatibility)
 * Every "no" carries a machine-readable reason; `airGapped` is decided here from P, never from T.
 */
import type { OsProfile } from '../inventory/os-profile.ts';
import type { Reason } from '../reasons.ts';
import { templateAirGappedSetting, type ClusterTemplate } from '../inventory/template.ts';

export type Compatibility =
  | {
      compatible: true;
      airGapped: boolean;
      /** Why this mode: EmbeddedVersion (air-gapped), NoEmbeddedK3s or Rke2Download (download at install). */
      basis: 'EmbeddedVersion' | 'NoEmbeddedK3s' | 'Rke2Download';
      /** Set when the template hard-codes agentConfig.airGapped to a value the orchestrator overrides. */
      override?: Reason;
    }
  | { compatible: false; airGapped: false; reason: Reason };

type CompatibilityTemplate = Pick<ClusterTemplate, 'name' | 'version' | 'flavor' | 'kubernetesVersion' | 'config'>;
type CompatibilityProfile = Pick<OsProfile, 'name' | 'kubernetes'>;

export function computeCompatibility(template: CompatibilityTemplate, profile: CompatibilityProfile): Compatibility {
  if (template.flavor === 'rke2') return withOverride(template, { compatible: true, airGapped: false, basis: 'Rke2Download' });
  const embedded = profile.kubernetes;
  if (!embedded || embedded.flavor !== 'k3s') {
    return withOverride(template, { compatible: true, airGapped: false, basis: 'NoEmbeddedK3s' });
  }
  if (embedded.version === template.kubernetesVersion) {
    return withOverride(template, { compatible: true, airGapped: true, basis: 'EmbeddedVersion' });
  }
  return {
    compatible: false,
    airGapped: false,
    reason: {
      code: 'K3sVersionMismatch',
      message: `template ${template.name}:${template.version} needs K3s ${template.kubernetesVersion} but OS profile ${profile.name} embeds K3s ${embedded.version}`,
      details: { templateVersion: template.kubernetesVersion, embeddedVersion: embedded.version, osProfile: profile.name },
    },
  };
}

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
  Rke2Download: 'RKE2 is downloaded at install time',
};
