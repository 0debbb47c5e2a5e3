/**
 * Moving an instance to another OS profile version (the image its host should run). On a cluster node the
 * upgrade guard decides (upgrade-guard.ts): a refusal is UpgradeRefused with the reason; an allowed change
 * moves the cluster's recorded K3s version only when the host reports the new image (apply-agent-report.ts).
 */
import { computeEmbeddedVersion, computeUpgradeDecision } from '../../domain/compatibility/upgrade-guard.ts';
import { isUpgradeUnfinished } from '../../domain/compatibility/upgrade-rollout.ts';
import { AppError } from '../../domain/errors.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { Instance } from '../../domain/inventory/instance.ts';
import { formatOsProfileRef, parseOsProfileRef, type OsProfile } from '../../domain/inventory/os-profile.ts';
import { requireHostChangeAllowed, type Role } from '../../domain/roles.ts';
import type { Store } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function updateInstance(
  { store, events }: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, id, osProfile, role }: { project: string; id: string; osProfile: string; role: Role },
): Promise<Instance> {
  const ref = parseOsProfileRef(osProfile, 'osProfile');
  const updated = await store.transaction(async (tx) => {
    const instance = await tx.instances.get(project, id);
    const [host, target, cluster] = await Promise.all([
      tx.hosts.get(project, instance.hostId),
      tx.osProfiles.get(project, ref),
      tx.clusters.findByHost(project, instance.hostId),
    ]);
    const live = cluster && cluster.phase !== 'deleting' && cluster.phase !== 'deleted' ? cluster : null;
    requireHostChangeAllowed(role, 'change-os-profile', { host: host.name, cluster: live?.name ?? null });
    if (target.name === instance.osProfile && target.version === instance.osProfileVersion) return instance;
    if (live) await requireUpgradeAllowed(tx, { project, cluster: live, host: host.name, instance, target });
    return tx.instances.setOsProfile(project, id, { name: target.name, version: target.version });
  });
  events.changed(project, updated.hostId);
  return updated;
}

async function requireUpgradeAllowed(
  tx: Store,
  { project, cluster, host, instance, target }: { project: string; cluster: Cluster; host: string; instance: Instance; target: OsProfile },
): Promise<void> {
  // A node moves between versions of its own OS profile; the cluster's other nodes may run other profiles.
  if (target.name !== instance.osProfile)
    throw new AppError(
      'InvalidState',
      `host ${host} is a node of cluster ${cluster.name} and runs OS profile ${instance.osProfile}; choose a version of it, not ${formatOsProfileRef(target)}`,
      { field: 'osProfile' },
    );
  // During a rolling upgrade the rollout alone moves the nodes' instances.
  if (isUpgradeUnfinished(cluster))
    throw new AppError(
      'UpgradeRefused',
      `cluster ${cluster.name} has an unfinished upgrade to K3s ${cluster.upgrade!.kubernetesVersion}; its nodes move only with it`,
      { field: 'osProfile', reason: 'UpgradeInProgress', extra: { details: { cluster: cluster.name } } },
    );
  const hostId = instance.hostId;
  const current = await tx.osProfiles.find(project, { name: instance.osProfile, version: instance.osProfileVersion });
  const otherNodes = await Promise.all(
    cluster.nodes
      .filter((node) => node.hostId !== hostId)
      .map(async (node) => {
        const [other, instance] = await Promise.all([tx.hosts.get(project, node.hostId), tx.instances.findByHost(project, node.hostId)]);
        const image = instance && (await tx.osProfiles.find(project, { name: instance.osProfile, version: instance.osProfileVersion }));
        return { host: other.name, embeddedVersion: image ? computeEmbeddedVersion(cluster, image) : null };
      }),
  );
  const airGapped = current !== null && computeEmbeddedVersion(cluster, current) === cluster.kubernetesVersion;
  const decision = computeUpgradeDecision({ cluster, host, airGapped, target, otherNodes });
  if (!decision.allowed)
    throw new AppError('UpgradeRefused', decision.reason.message, {
      field: 'osProfile',
      reason: decision.reason.code,
      extra: { details: decision.reason.details ?? {} },
    });
}
