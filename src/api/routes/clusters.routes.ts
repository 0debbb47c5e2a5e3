/** Clusters: read, kubeconfig, delete (their creation comes with registration). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { deleteCluster } from '../../workflow/use-cases/delete-cluster.ts';
import { loadKubeconfig } from '../../workflow/use-cases/load-kubeconfig.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { ClusterDeleteQuery, ClusterList, ClusterListQuery, ClusterParams, ClusterSchema } from '../../contract/cluster.schema.ts';
import { getCluster, listClusters } from '../../workflow/use-cases/list-clusters.ts';
import type { ApiDeps } from '../app.ts';

export const clusterRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  app.get(
    '/clusters',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['clusters'],
        summary: 'List clusters; stale=true lists those waiting for agents that never came',
        params: ProjectParams,
        querystring: ClusterListQuery,
        response: { 200: ClusterList, ...problemResponses() },
      },
    },
    async (request) => {
      const { stale, ...page } = request.query;
      return listClusters(deps, { project: request.params.project, page, stale });
    },
  );

  app.get(
    '/clusters/:name',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['clusters'],
        summary: 'Get a cluster',
        params: ClusterParams,
        response: { 200: ClusterSchema, ...problemResponses(404) },
      },
    },
    async (request) => getCluster(deps, request.params),
  );

  app.get(
    '/clusters/:name/kubeconfig',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: "The cluster's kubeconfig (edge operators only)",
        params: ClusterParams,
        response: { 200: Type.String({ description: 'kubeconfig YAML' }), ...problemResponses(404, 409) },
      },
    },
    // A cluster-admin credential: no cache on the way may keep a copy.
    async (request, reply) =>
      reply
        .type('application/yaml')
        .header('cache-control', 'no-store')
        .send(await loadKubeconfig(deps, request.params)),
  );

  app.delete(
    '/clusters/:name',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'Delete a cluster: agents stop K3s and remove its state; force, or a stale cluster, removes it at once (agents clean up when they return)',
        params: ClusterParams,
        querystring: ClusterDeleteQuery,
        response: { 202: ClusterSchema, 204: Type.Null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const deletion = await deleteCluster(deps, { ...request.params, force: request.query.force === true });
      return deletion.kind === 'deleted' ? reply.code(204).send(null) : reply.code(202).send(deletion.cluster);
    },
  );
};
