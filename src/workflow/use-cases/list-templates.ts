/**
 * Listing cluster templates; with an OS profile, only those that can run on it (each with its compatibility),
 * and on request the excluded ones with the reason. A profile named without a version stands for every version
 * of it, so the view shows side by side what each image version can run. Every template says whether edge-orch
 * can install its flavor at all (`installable`, with the reason when not). The list pages over templates: each page
 * reads `limit` of them and answers those compatible (or excluded) with each profile version.
 */
import { computeCompatibility, type Compatibility } from '../../domain/compatibility/compatibility.ts';
import { computeInstallability } from '../../domain/compatibility/installability.ts';
import { parseOsProfileRef } from '../../domain/inventory/os-profile.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';
import type { Reason } from '../../domain/reasons.ts';
import type { PageRequest, TemplateFilter } from '../../store/store.ts';
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
  nextCursor: string | null;
}

export async function listTemplates(
  { store }: Pick<UseCaseDeps, 'store'>,
  {
    project,
    filter,
    compatibleWithOsProfile,
    explain,
    page,
  }: {
    project: string;
    filter: TemplateFilter;
    compatibleWithOsProfile?: string | undefined;
    explain?: boolean | undefined;
    page?: PageRequest;
  },
): Promise<TemplateListing> {
  // The profile first: a bad reference is refused before the page is read.
  const ref = compatibleWithOsProfile ? parseOsProfileRef(compatibleWithOsProfile, 'compatibleWithOsProfile') : null;
  const profiles = !ref
    ? []
    : ref.version !== undefined
      ? [await store.osProfiles.get(project, ref)]
      : await store.osProfiles.versions(project, ref.name);
  if (ref && profiles.length === 0) await store.osProfiles.get(project, ref); // NotFound, naming the profile
  const { items: listed, nextCursor } = await store.templates.list(project, filter, page);
  const templates = listed.map(withInstallability);
  if (!ref) return { items: templates, nextCursor };
  const items: TemplateListing['items'] = [];
  const excluded: NonNullable<TemplateListing['excluded']> = [];
  // Template by template, so that pages concatenate to the whole list.
  for (const template of templates) {
    for (const profile of profiles) {
      const on = { osProfile: profile.name, osProfileVersion: profile.version };
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
  return explain ? { items, excluded, nextCursor } : { items, nextCursor };
}

function withInstallability(template: ClusterTemplate): TemplateListItem {
  const installability = computeInstallability(template);
  return installability.installable
    ? { ...template, installable: true }
    : { ...template, installable: false, installableReason: installability.reason };
}
