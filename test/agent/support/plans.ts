/** Real templates and OS profiles from ../shared/formats, and the clusters and hosts that tie them together. */
import { parse as parseYaml } from 'yaml';
import type { BootstrapInput } from '../../../src/domain/bootstrap/bootstrap-plan.ts';
import { parseMirrorUrl } from '../../../src/domain/bootstrap/mirror-url.ts';
import type { Cluster, NodeRole } from '../../../src/domain/inventory/cluster.ts';
import type { AirgapImageFile } from '../../../src/domain/inventory/image-manifest.ts';
import { parseInfraCoreProfile, type OsProfile } from '../../../src/domain/inventory/os-profile.ts';
import { parseTemplate, type ClusterTemplate } from '../../../src/domain/inventory/template.ts';
import { readFormat } from '../../support/formats.ts';

export const loadTemplate = (file: string): ClusterTemplate => parseTemplate(JSON.parse(readFormat(`templates/${file}`)));
/** A shared template with its kthreesConfigSpec changed by `edit` before import (the file itself is never touched). */
export function loadTemplateWith(file: string, edit: (spec: Record<string, any>) => void): ClusterTemplate {
  const doc = JSON.parse(readFormat(`templates/${file}`));
  edit(doc.clusterconfiguration.spec.template.spec.kthreesConfigSpec);
  return parseTemplate(doc);
}
export const loadProfile = (file: string): OsProfile => parseInfraCoreProfile(parseYaml(readFormat(`os-profiles/${file}`)));

/** The EMT profile (immutable, embeds K3s v1.32.4+k3s1), optionally declaring its air-gap image files. */
export function emtProfile(airgapImages: AirgapImageFile[] = []): OsProfile {
  const profile = loadProfile('microvisor-nonrt.yaml');
  return { ...profile, kubernetes: { ...profile.kubernetes!, airgapImages } };
}

/**
 * The Ubuntu profile (mutable, no embedded K3s). Its profileName has dots, which the name rule may reject; the
 * name plays no part in bootstrapping, so it is then imported under a dot-free name.
 */
export function ubuntuProfile(): OsProfile {
  const doc = parseYaml(readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml')) as { spec: Record<string, unknown> };
  try {
    return parseInfraCoreProfile(doc);
  } catch {
    return parseInfraCoreProfile({ ...doc, spec: { ...doc.spec, profileName: 'ubuntu-22-04-lts-generic' } });
  }
}

export const HOST = { id: 'h-1', name: 'edge-node-1' };

export function buildCluster(
  template: ClusterTemplate,
  profile: OsProfile,
  overrides: Partial<Cluster> = {},
  roles: NodeRole[] = ['all'],
): Cluster {
  return {
    id: 'c-1',
    project: 'default',
    name: 'store-42',
    template: { name: template.name, version: template.version },
    flavor: template.flavor,
    kubernetesVersion: template.kubernetesVersion,
    osProfile: profile.name,
    nodes: roles.map((role, i) => ({ hostId: i === 0 ? HOST.id : `h-${i + 1}`, role })),
    airGapped: profile.kubernetes?.version === template.kubernetesVersion,
    airGappedOverride: null,
    driver: 'agent',
    phase: 'provisioning',
    message: '',
    labels: {},
    autoCreated: false,
    deletionPolicy: 'delete',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

/** The input for HOST as the only node of a cluster of `template` on `osProfile`; a mirror URL is parsed as at start-up. */
export function bootstrapInput(
  template: ClusterTemplate,
  osProfile: OsProfile,
  { mirrorUrl, ...extra }: Partial<Omit<BootstrapInput, 'mirrorUrl'>> & { mirrorUrl?: string } = {},
): BootstrapInput {
  return {
    cluster: buildCluster(template, osProfile),
    template,
    osProfile,
    host: HOST,
    ...extra,
    ...(mirrorUrl === undefined ? {} : { mirrorUrl: parseMirrorUrl(mirrorUrl) }),
  };
}
