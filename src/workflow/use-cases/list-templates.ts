/**
 * Listing cluster templates; with an OS profile, only those that can run on it (each with its compatibility),
 * and on request the excluded ones with the reason.
 */
import { computeCompatibility, type Compatibility } from '../../domain/compatibility/compatibility.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';
import type { Reason } from '../../domain/reasons.ts';
import type { TemplateFilter } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export interface TemplateListing {
  items: (ClusterTemplate & { compatibility?: { osProfile: string } & Compatibility })[];
  /** With `explain`: the templates left out, and why. */
  excluded?: { name: string; version: string; kubernetesVersion: string; reason: Reason }[];
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
  const templates = await store.templates.list(project, filter);
  if (!compatibleWithOsProfile) return { items: templates };
  const profile = await store.osProfiles.get(project, compatibleWithOsProfile);
  const items: TemplateListing['items'] = [];
  const excluded: NonNullable<TemplateListing['excluded']> = [];
  for (const template of templates) {
    const result = computeCompatibility(template, profile);
    if (result.compatible) items.push({ ...template, compatibility: { osProfile: profile.name, ...result } });
    else
      excluded.push({
        name: template.name,
        version: template.version,
        kubernetesVersion: template.kubernetesVersion,
        reason: result.reason,
      });
  }
  return explain ? { items, excluded } : { items };
}
