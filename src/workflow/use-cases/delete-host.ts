/** Deleting a host, with its last agent report (the store refuses while an instance or cluster uses it). */
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function deleteHost(
  deps: Pick<UseCaseDeps, 'store'>,
  { project, host: idOrName }: { project: string; host: string },
): Promise<void> {
  const host = await resolveHost(deps, project, idOrName);
  await deps.store.transaction(async (tx) => {
    await tx.hosts.delete(project, host.id);
    await tx.hostReports.delete(project, host.id);
  });
}
