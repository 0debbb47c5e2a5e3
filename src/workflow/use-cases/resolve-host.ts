/** Finding the host a request names: by id, name, serial or uuid (host-reference.ts). */
import { computeHostReferenceForms, pickReferencedHost, type HostMatch } from '../../domain/inventory/host-reference.ts';
import type { Host } from '../../domain/inventory/host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The host with this id; else the one host with this name, serial or uuid; NotFound or AmbiguousReference otherwise. */
export async function resolveHost({ store }: Pick<UseCaseDeps, 'store'>, project: string, reference: string): Promise<Host> {
  const byId = await store.hosts.find(project, reference);
  if (byId) return byId;
  const { uuid, serial } = computeHostReferenceForms(reference);
  const [byName, bySerial, byUuid] = await Promise.all([
    store.hosts.findByName(project, reference),
    serial === null ? null : store.hosts.findByIdentity(project, { uuid: null, serial }),
    uuid === null ? null : store.hosts.findByIdentity(project, { uuid, serial: null }),
  ]);
  const matches: HostMatch[] = [];
  if (byName) matches.push({ host: byName, matchedBy: 'name' });
  if (bySerial) matches.push({ host: bySerial, matchedBy: 'serial' });
  if (byUuid) matches.push({ host: byUuid, matchedBy: 'uuid' });
  return pickReferencedHost(reference, matches);
}
