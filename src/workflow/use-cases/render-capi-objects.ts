/**
 * The Cluster API objects the capi driver applies, as the server renders them: a template version's, and a
 * cluster's (its template's objects, then its Cluster), in the project management cluster's namespace.
 */
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { TemplateRef } from '../../domain/inventory/template.ts';
import type { KubeObject } from '../../render/capi/kube-object.ts';
import { renderClusterObject } from '../../render/capi/render-cluster-object.ts';
import { renderTemplateObjects } from '../../render/capi/render-template-objects.ts';
import type { Store } from '../../store/store.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** Where objects go when the project names no management cluster yet. */
const DEFAULT_NAMESPACE = 'default';

const namespaceOf = async (store: Store, project: string): Promise<string> =>
  (await store.managementClusters.settings(project)).managementCluster?.namespace ?? DEFAULT_NAMESPACE;

export async function renderTemplateCapiObjects(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, template }: { project: string; template: TemplateRef },
): Promise<KubeObject[]> {
  return renderTemplateObjects(await store.templates.get(project, template), await namespaceOf(store, project));
}

export async function renderClusterCapiObjects(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, cluster }: { project: string; cluster: Cluster | string },
): Promise<KubeObject[]> {
  const found = typeof cluster === 'string' ? await store.clusters.get(project, cluster) : cluster;
  const template = await store.templates.get(project, found.template);
  const namespace = await namespaceOf(store, project);
  return [...renderTemplateObjects(template, namespace), renderClusterObject(found, template, namespace)];
}
