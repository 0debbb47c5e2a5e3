/** The cluster a host is a node of, by name, for role checks on changes that would alter it; null when none is live. */
import type { Store } from '../../store/store.ts';

export async function findHostCluster(store: Store, project: string, hostId: string): Promise<string | null> {
  const cluster = await store.clusters.findByHost(project, hostId);
  return cluster && cluster.phase !== 'deleting' && cluster.phase !== 'deleted' ? cluster.name : null;
}
