/**
 * Eligible hosts (option 1): a page of hosts filtered to those that can be nodes of a cluster of the template as
 * they run; with `explain`, the others of the page too, each with its reason.
 */
import type { Host } from '../../domain/inventory/host.ts';
import { computeNodeEligibility } from '../../domain/inventory/node-eligibility.ts';
import type { TemplateRef } from '../../domain/inventory/template.ts';
import type { Reason } from '../../domain/reasons.ts';
import type { HostFilter, Page, PageRequest } from '../../store/store.ts';
import { loadNodeCandidate } from './load-node-candidate.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export type EligibleHostPage = Page<Host> & { ineligible?: { host: Host; reason: Reason }[] };

export async function listEligibleHosts(
  { store }: Pick<UseCaseDeps, 'store'>,
  {
    project,
    template: ref,
    explain,
    filter,
    page,
  }: { project: string; template: TemplateRef; explain: boolean; filter: HostFilter; page: PageRequest },
): Promise<EligibleHostPage> {
  const template = await store.templates.get(project, ref);
  const hosts = await store.hosts.list(project, filter, page);
  const items: Host[] = [];
  const ineligible: { host: Host; reason: Reason }[] = [];
  for (const host of hosts.items) {
    const eligibility = computeNodeEligibility({ ...(await loadNodeCandidate(store, project, host)), template });
    if (eligibility.eligible) items.push(host);
    else ineligible.push({ host, reason: eligibility.reason });
  }
  return { items, nextCursor: hosts.nextCursor, ...(explain ? { ineligible } : {}) };
}
