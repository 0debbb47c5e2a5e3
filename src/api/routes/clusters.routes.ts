/** Clusters: read, kubeconfig, delete (their creation comes with registration). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../domain/errors.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { ClusterDeleteQuery, ClusterList, ClusterParams, ClusterSchema, PageOnlyQuery } from '../../contract/cluster.schema.ts';
import type { ApiDeps } from '../app.ts';

export const clusterRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, events }) => {
  app.get(
    '/clusters',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['clusters'],
        summary: 'List clusters',
        params: ProjectParams,
        querystring: PageOnlyQuery,
        response: { 200: ClusterList, ...problemResponses() },
      },
    },
    async (request) => store.clusters.list(request.params.project, request.query),
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
    async (request) => store.clusters.get(request.params.project, request.params.name),
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
    async (request, reply) => {
      const { project, name } = request.params;
      await store.clusters.get(project, name);
      const kubeconfig = await store.clusters.getKubeconfig(project, name);
      if (kubeconfig === null)
        throw new AppError('InvalidState', `cluster ${name} has no kubeconfig yet; it is uploaded when the cluster becomes ready`);
      return reply.type('application/yaml').send(kubeconfig);
    },
  );

  app.delete(
    '/clusters/:name',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: 'Delete a cluster: agents stop K3s and remove its state; force removes it at once (agents clean up when they return)',
        params: ClusterParams,
        querystring: ClusterDeleteQuery,
        response: { 202: ClusterSchema, 204: Type.Null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const { project, name } = request.params;
      const cluster = await store.clusters.get(project, name);
      if (request.query.force) {
        await store.clusters.delete(project, name);
        for (const node of cluster.nodes) events.changed(project, node.hostId);
        return reply.code(204).send(null);
      }
      const deleting = await store.clusters.update(project, name, { phase: 'deleting', message: 'waiting for the agents to remove K3s' });
      for (const node of cluster.nodes) events.changed(project, node.hostId);
      return reply.code(202).send(deleting);
    },
  );
};
