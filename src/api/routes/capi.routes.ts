/** The Cluster API driver: a project's management cluster and cluster driver, and the objects the driver applies. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ClusterDriverBody, ClusterSettingsSchema, KubeObjectList, ManagementClusterBody } from '../../contract/capi.schema.ts';
import { ClusterParams } from '../../contract/cluster.schema.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { TemplateParams } from '../../contract/template.schema.ts';
import { renderClusterCapiObjects, renderTemplateCapiObjects } from '../../workflow/use-cases/render-capi-objects.ts';
import { removeManagementCluster, setClusterDriver, setManagementCluster } from '../../workflow/use-cases/set-management-cluster.ts';
import type { ApiDeps } from '../app.ts';

export const capiRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  app.get(
    '/management-cluster',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['clusters'],
        summary: "The project's cluster driver and Cluster API management cluster (never its kubeconfig)",
        params: ProjectParams,
        response: { 200: ClusterSettingsSchema, ...problemResponses() },
      },
    },
    async (request) => deps.store.managementClusters.settings(request.params.project),
  );

  app.put(
    '/management-cluster',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['clusters'],
        summary: 'Name the Cluster API management cluster clusters of the capi driver are applied to (its kubeconfig is stored sealed)',
        params: ProjectParams,
        body: ManagementClusterBody,
        response: { 200: ClusterSettingsSchema, ...problemResponses() },
      },
    },
    async (request) => setManagementCluster(deps, { ...request.params, ...request.body }),
  );

  app.delete(
    '/management-cluster',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['clusters'],
        summary: 'Forget the management cluster (409 while the project uses the capi driver)',
        params: ProjectParams,
        response: { 204: Type.Null(), ...problemResponses(409) },
      },
    },
    async (request, reply) => {
      await removeManagementCluster(deps, request.params);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/cluster-driver',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['clusters'],
        summary: 'Choose the driver new clusters of the project get (capi needs a management cluster)',
        params: ProjectParams,
        body: ClusterDriverBody,
        response: { 200: ClusterSettingsSchema, ...problemResponses(409) },
      },
    },
    async (request) => setClusterDriver(deps, { ...request.params, driver: request.body.clusterDriver }),
  );

  app.get(
    '/clusters/:name/capi',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['clusters'],
        summary: "The Cluster API objects of a cluster, as the capi driver applies them (its template's, then its Cluster)",
        params: ClusterParams,
        response: { 200: KubeObjectList, ...problemResponses(404) },
      },
    },
    async (request) => ({ items: await renderClusterCapiObjects(deps, { project: request.params.project, cluster: request.params.name }) }),
  );

  app.get(
    '/templates/:name/versions/:version/capi',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['templates'],
        summary: 'The Cluster API objects of a template version: ClusterClass, control-plane, bootstrap and infrastructure templates',
        params: TemplateParams,
        response: { 200: KubeObjectList, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { project, name, version } = request.params;
      return { items: await renderTemplateCapiObjects(deps, { project, template: { name, version } }) };
    },
  );
};
