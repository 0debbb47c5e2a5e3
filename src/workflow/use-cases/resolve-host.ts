/** Finding the host a request names: by id, name, serial or uuid (host-reference.ts). */
import { computeHostReferenceForms, pickReferencedHost, type HostMatch } from '../../domain/inventory/host-reference.ts';
import type { Host } from '../../domain/inventory/host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The host with this id; else the one host with this name, serial or uuid; NotFound or AmbiguousReference otherwise. */
export async function resolveHost({ store }: Pick<UseCaseDeps, 'store'>, project: string, reference: string): Promise<Host> {
  const { uuid, serial } = computeHostReferenceForms(reference);
  const found = await store.hosts.findByReference(project, { id: reference, name: reference, serial, uuid });
  const byId = found.find((host) => host.id === reference);
  if (byId) return byId;
  const matches: HostMatch[] = [];
  for (const [matchedBy, value] of [
    ['name', reference],
    ['serial', serial],
    ['uuid', uuid],
  ] as const) {
    const host = value === null ? undefined : found.find((h) => h[matchedBy] === value);
    if (host) matches.push({ host, matchedBy });
  }
  return pickReferencedHost(reference, matches);
}
