/** A cluster's kubeconfig, uploaded by its agent when the cluster became ready. */
import { AppError } from '../../domain/errors.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** NotFound without the cluster; InvalidState while it has no kubeconfig yet. */
export async function loadKubeconfig(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, name }: { project: string; name: string },
): Promise<string> {
  await store.clusters.get(project, name);
  const kubeconfig = await store.clusters.getKubeconfig(project, name);
  if (kubeconfig === null)
    throw new AppError('InvalidState', `cluster ${name} has no kubeconfig yet; it is uploaded when the cluster becomes ready`);
  return kubeconfig;
}
