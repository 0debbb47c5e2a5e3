/** The host agent's last report, for the host details; null before its first report. */
import type { LastReport } from '../../domain/bootstrap/last-report.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function loadHostReport(
  deps: Pick<UseCaseDeps, 'store'>,
  { project, host: idOrName }: { project: string; host: string },
): Promise<LastReport | null> {
  const host = await resolveHost(deps, project, idOrName);
  return deps.store.hostReports.find(project, host.id);
}
