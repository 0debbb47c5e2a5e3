/**
 * Whether edge-orch can install a template's flavor at all, whatever the OS profile. The agent installs K3s
 * only, so RKE2 templates are kept (importable, listed, exported) but never offered as compatible.
 * docs/clusters.md ("RKE2") says what would make RKE2 installable.
 */
import type { ClusterTemplate } from '../inventory/template.ts';
import type { Reason } from '../reasons.ts';

export type Installability = { installable: true } | { installable: false; reason: Reason };

export function computeInstallability(
  template: Pick<ClusterTemplate, 'name' | 'version' | 'flavor' | 'kubernetesVersion'>,
): Installability {
  if (template.flavor === 'k3s') return { installable: true };
  return {
    installable: false,
    reason: {
      code: 'FlavorNotInstallable',
      message: `template ${template.name}:${template.version} is ${template.flavor.toUpperCase()} ${template.kubernetesVersion}; the agent installs K3s only, so it cannot run on any host`,
      details: { flavor: template.flavor, templateVersion: template.kubernetesVersion },
    },
  };
}
