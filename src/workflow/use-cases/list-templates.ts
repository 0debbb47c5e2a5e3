/**
 * Listing cluster templates; with an OS profile, only those that can run on it (each with its compatibility),
 * and on request the excluded ones with the reason. A profile named without a version stands for every version
 * of it, so the view shows side by side what each image version can run. Every template says whether edge-orch
 * can install its flavor at all (`installable`, with the reason when not).
 */
import { computeCompatibility, type Compatibility } from '../../domain/compatibility/compatibility.ts';
import { computeInstallability } from '../../domain/compatibility/installability.ts';
import { parseOsProfileRef } from '../../domain/inventory/os-profile.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';
import type { Reason } from '../../domain/reasons.ts';
import type { TemplateFilter } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type TemplateListItem = ClusterTemplate & {
  installable: boolean;
  /** Why edge-orch cannot install it, when `installable` is false. */
  installableReason?: Reason;
  compatibility?: { osProfile: string; osProfileVersion: string } & Compatibility;
};

export interface TemplateListing {
  items: TemplateListItem[];
  /** With `explain`: the templates left out, and why, per profile version. */
  excluded?: { name: string; version: string; kubernetesVersion: string; osProfile: string; osProfileVersion: string; reason: Reason }[];
}

export async function listTemplates(
  { store }: Pick<UseCaseDeps, 'store'>,
  {
    project,
    filter,
    compatibleWithOsProfile,
    explain,
  }: { project: string; filter: TemplateFilter; compatibleWithOsProfile?: string | undefined; explain?: boolean | undefined },
): Promise<TemplateListing> {
  const templates = (await store.templates.list(project, filter)).map(withInstallability);
  if (!compatibleWithOsProfile) return { items: templates };
  const ref = parseOsProfileRef(compatibleWithOsProfile, 'compatibleWithOsProfile');
  const profiles = ref.version !== undefined ? [await store.osProfiles.get(project, ref)] : await store.osProfiles.list(project, ref);
  if (profiles.length === 0) await store.osProfiles.get(project, ref); // NotFound, naming the profile
  const items: TemplateListing['items'] = [];
  const excluded: NonNullable<TemplateListing['excluded']> = [];
  for (const profile of profiles) {
    const on = { osProfile: profile.name, osProfileVersion: profile.version };
    for (const template of templates) {
      const result = computeCompatibility(template, profile);
      if (result.compatible) items.push({ ...template, compatibility: { ...on, ...result } });
      else
        excluded.push({
          name: template.name,
          version: template.version,
          kubernetesVersion: template.kubernetesVersion,
          ...on,
          reason: result.reason,
        });
    }
  }
  return explain ? { items, excluded } : { items };
}

function withInstallability(template: ClusterTemplate): TemplateListItem {
  const installability = computeInstallability(template);
  return installability.installable
    ? { ...template, installable: true }
    : { ...template, installable: false, installableReason: installability.reason };
}
