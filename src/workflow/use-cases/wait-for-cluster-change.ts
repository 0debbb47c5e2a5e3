/**
 * A cluster as a long-poll, for pages that follow it: answered as soon as its view differs from the revision the
 * caller last saw, or as it is once `waitMs` passed. Its nodes' agents report in other requests (and an upgrade
 * moves node by node), so the view is read again every second while held.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fingerprint } from '../fingerprint.ts';
import { readUntil } from '../read-until.ts';
import { getCluster, type ClusterView } from './list-clusters.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

const CLUSTER_RECHECK_MS = 1_000;

export async function waitForClusterChange(
  deps: Parameters<typeof getCluster>[0] & Pick<UseCaseDeps, 'store'>,
  { project, name, since, waitMs, signal }: { project: string; name: string; since?: string; waitMs: number; signal?: AbortSignal },
): Promise<{ revision: string; cluster: ClusterView }> {
  const cluster = await readUntil({
    read: () => getCluster(deps, { project, name }),
    settled: (current) => since === undefined || fingerprint(current) !== since,
    // No in-process event covers every change of a cluster's view: the hold rechecks on a timer.
    wake: (timeoutMs, wakeSignal) => sleep(timeoutMs, undefined, { signal: wakeSignal }).catch(() => undefined),
    waitMs,
    recheckMs: CLUSTER_RECHECK_MS,
    ...(signal ? { signal } : {}),
  });
  return { revision: fingerprint(cluster), cluster };
}
