/**
 * Eligible hosts (option 1): a page of hosts filtered to those that can be nodes of a cluster of the template, or
 * join an existing cluster, as they run; with `explain`, the others of the page too, each with its reason.
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
    explain,
    filter,
    page,
    ...target
  }: ({ template: TemplateRef } | { cluster: string }) & { project: string; explain: boolean; filter: HostFilter; page: PageRequest },
): Promise<EligibleHostPage> {
  // Joining a cluster: its template, against the K3s version its nodes run (as when nodes are added).
  const cluster = 'cluster' in target ? await store.clusters.get(project, target.cluster) : null;
  const template = await store.templates.get(project, 'template' in target ? target.template : cluster!.template);
  const constraints = cluster ? { kubernetesVersion: cluster.kubernetesVersion } : null;
  const hosts = await store.hosts.list(project, filter, page);
  const items: Host[] = [];
  const ineligible: { host: Host; reason: Reason }[] = [];
  for (const host of hosts.items) {
    const eligibility = computeNodeEligibility({ ...(await loadNodeCandidate(store, project, host)), template, cluster: constraints });
    if (eligibility.eligible) items.push(host);
    else ineligible.push({ host, reason: eligibility.reason });
  }
  return { items, nextCursor: hosts.nextCursor, ...(explain ? { ineligible } : {}) };
}
