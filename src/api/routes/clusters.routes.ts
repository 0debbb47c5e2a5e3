/** Instances and clusters: read endpoints (their workflows come with registration and the agent). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProjectParams, problemResponses } from '../schemas/common.schema.ts';
import { ClusterList, ClusterParams, ClusterSchema, InstanceList, InstanceParams, InstanceSchema, PageOnlyQuery } from '../schemas/cluster.schema.ts';
import type { ApiDeps } from '../app.ts';

export const clusterRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.get('/instances', {
    config: { permission: 'read' },
    schema: { tags: ['instances'], summary: 'List instances', params: ProjectParams, querystring: PageOnlyQuery, response: { 200: InstanceList, ...problemResponses() } },
  }, async (request) => store.instances.list(request.params.project, request.query));

  app.get('/instances/:id', {
    config: { permission: 'read' },
    schema: { tags: ['instances'], summary: 'Get an instance', params: InstanceParams, response: { 200: InstanceSchema, ...problemResponses(404) } },
  }, async (request) => store.instances.get(request.params.project, request.params.id));

  app.get('/clusters', {
    config: { permission: 'read' },
    schema: { tags: ['clusters'], summary: 'List clusters', params: ProjectParams, querystring: PageOnlyQuery, response: { 200: ClusterList, ...problemResponses() } },
  }, async (request) => store.clusters.list(request.params.project, request.query));

  app.get('/clusters/:name', {
    config: { permission: 'read' },
    schema: { tags: ['clusters'], summary: 'Get a cluster', params: ClusterParams, response: { 200: ClusterSchema, ...problemResponses(404) } },
  }, async (request) => store.clusters.get(request.params.project, request.params.name));
};
