/** Finding the host a request names: hosts are addressed by id or by name. */
import type { Host } from '../../domain/inventory/host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The host with this id, else the one with this name; NotFound naming `idOrName` otherwise. */
export async function resolveHost({ store }: Pick<UseCaseDeps, 'store'>, project: string, idOrName: string): Promise<Host> {
  const byId = await store.hosts.find(project, idOrName);
  if (byId) return byId;
  return (await store.hosts.findByName(project, idOrName)) ?? (await store.hosts.get(project, idOrName));
}
