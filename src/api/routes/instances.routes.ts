/** Instances: read, and moving one to another OS profile version (instances are created by registration's provision step). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { InstanceList, InstanceParams, InstanceSchema, InstanceUpdate, PageOnlyQuery } from '../../contract/cluster.schema.ts';
import { updateInstance } from '../../workflow/use-cases/update-instance.ts';
import type { ApiDeps } from '../app.ts';

export const instanceRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
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

  app.patch(
    '/instances/:id',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['instances'],
        summary: 'Move an instance to another OS profile version',
        description:
          "On a cluster node it needs clusters:write as well (403, ClusterNodeChange), and the new image's embedded K3s must neither downgrade the cluster, skip a Kubernetes minor nor differ from its other nodes (409, UpgradeRefused). The cluster's recorded version follows when the host reports the new image.",
        params: InstanceParams,
        body: InstanceUpdate,
        response: { 200: InstanceSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => updateInstance(deps, { ...request.params, osProfile: request.body.osProfile, role: request.principal!.role }),
  );
};
