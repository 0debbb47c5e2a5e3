/**
 * Naming a project's management cluster (its kubeconfig checked and sealed, never given back), forgetting it,
 * and choosing the driver new clusters get. The capi driver needs a management cluster.
 */
import { AppError } from '../../domain/errors.ts';
import type { ClusterDriver as DriverKind } from '../../domain/inventory/cluster.ts';
import {
  parseManagementKubeconfig,
  parseManagementNamespace,
  type ProjectClusterSettings,
} from '../../domain/inventory/management-cluster.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

type Deps = Pick<UseCaseDeps, 'store' | 'clusterDriver'>;

export async function setManagementCluster(
  { store, clusterDriver }: Deps,
  { project, kubeconfig, namespace }: { project: string; kubeconfig: string; namespace?: string },
): Promise<ProjectClusterSettings> {
  const checked = parseManagementKubeconfig(kubeconfig);
  await store.managementClusters.put(project, { ...checked, namespace: parseManagementNamespace(namespace) });
  clusterDriver?.nudge(project);
  return store.managementClusters.settings(project);
}

export async function removeManagementCluster({ store }: Deps, { project }: { project: string }): Promise<void> {
  const settings = await store.managementClusters.settings(project);
  if (settings.clusterDriver === 'capi')
    throw new AppError('InvalidState', `project ${project} uses the capi cluster driver; set its cluster driver to agent first`, {
      field: 'clusterDriver',
    });
  await store.managementClusters.remove(project);
}

export async function setClusterDriver(
  { store, clusterDriver }: Deps,
  { project, driver }: { project: string; driver: DriverKind },
): Promise<ProjectClusterSettings> {
  const settings = await store.managementClusters.settings(project);
  if (driver === 'capi' && settings.managementCluster === null)
    throw new AppError('InvalidState', `project ${project} names no management cluster; PUT its management-cluster first`, {
      field: 'clusterDriver',
    });
  await store.managementClusters.setClusterDriver(project, driver);
  clusterDriver?.nudge(project);
  return { ...settings, clusterDriver: driver };
}
