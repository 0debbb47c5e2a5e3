/** What deciding a host's eligibility as a cluster node reads about it (see domain/inventory/node-eligibility.ts). */
import type { Host } from '../../domain/inventory/host.ts';
import type { Instance } from '../../domain/inventory/instance.ts';
import type { OsProfile } from '../../domain/inventory/os-profile.ts';
import type { Store } from '../../store/store.ts';

export interface NodeCandidate {
  host: Host;
  instance: Instance | null;
  clusterOf: string | null;
  /** The exact version the instance records; null without an instance or when that version is gone. */
  currentProfile: OsProfile | null;
}

export async function loadNodeCandidate(store: Store, project: string, host: Host): Promise<NodeCandidate> {
  const [instance, cluster] = await Promise.all([
    store.instances.findByHost(project, host.id),
    store.clusters.findByHost(project, host.id),
  ]);
  const currentProfile = instance
    ? await store.osProfiles.find(project, { name: instance.osProfile, version: instance.osProfileVersion })
    : null;
  return { host, instance, clusterOf: cluster?.name ?? null, currentProfile };
}
