/** Instances: read endpoints (instances are created by registration's provision step). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { InstanceList, InstanceParams, InstanceSchema, PageOnlyQuery } from '../../contract/cluster.schema.ts';
import type { ApiDeps } from '../app.ts';

export const instanceRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.get(
    '/instances',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['instances'],
        summary: 'List instances',
        params: ProjectParams,
        querystring: PageOnlyQuery,
        response: { 200: InstanceList, ...problemResponses() },
      },
    },
    async (request) => store.instances.list(request.params.project, request.query),
  );

  app.get(
    '/instances/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['instances'],
        summary: 'Get an instance',
        params: InstanceParams,
        response: { 200: InstanceSchema, ...problemResponses(404) },
      },
    },
    async (request) => store.instances.get(request.params.project, request.params.id),
  );
};
