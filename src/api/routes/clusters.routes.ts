/** Clusters: create on existing hosts, read, add and remove nodes, kubeconfig, delete (registration creates them too). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseClusterRequest, parseNodeRequests, parsePlacement } from '../../domain/inventory/cluster-request.ts';
import { addClusterNodes } from '../../workflow/use-cases/add-cluster-nodes.ts';
import { createCluster } from '../../workflow/use-cases/create-cluster.ts';
import { deleteCluster } from '../../workflow/use-cases/delete-cluster.ts';
import { removeClusterNode } from '../../workflow/use-cases/remove-cluster-node.ts';
import { loadKubeconfig } from '../../workflow/use-cases/load-kubeconfig.ts';
import { upgradeCluster } from '../../workflow/use-cases/upgrade-cluster.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import {
  ClusterChange,
  ClusterCreate,
  ClusterDeleteQuery,
  ClusterList,
  ClusterListQuery,
  ClusterNodeParams,
  ClusterParams,
  ClusterSchema,
  ClusterUpgradeRequest,
  NodesAdd,
} from '../../contract/cluster.schema.ts';
import { getCluster, listClusters, readStalenessClock, viewCluster } from '../../workflow/use-cases/list-clusters.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { ApiDeps } from '../app.ts';

export const clusterRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  /** A change's cluster as every cluster answer shows it: with its staleness. */
  const view = <T extends { cluster: Cluster }>(change: T) => ({
    ...change,
    cluster: viewCluster(change.cluster, readStalenessClock(deps)),
  });
  app.post(
    '/clusters',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: "Create a cluster on existing hosts, answered with each host's steps",
        description:
          'Option 1 (default): provisioned hosts, not in a cluster, whose OS is compatible with the template. Option 3 (`osProfile`): hosts without an instance are provisioned with it first. Option 2 (`osUpdate`): a provisioned EMT host whose image embeds another K3s moves to a compatible version of its OS profile first. An incompatible host is 409 with its reason; nothing is written then.',
        params: ProjectParams,
        body: ClusterCreate,
        response: { 201: ClusterChange, ...problemResponses(404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(view(await createCluster(deps, { project: request.params.project, request: parseClusterRequest(request.body) }))),
  );

  app.post(
    '/clusters/:name/nodes',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          "Add nodes to a cluster: hosts checked as at creation, and against the cluster's K3s version (nodes may run different OS profiles)",
        params: ClusterParams,
        body: NodesAdd,
        response: { 200: ClusterChange, ...problemResponses(404, 409) },
      },
    },
    async (request) =>
      view(
        await addClusterNodes(deps, {
          ...request.params,
          nodes: parseNodeRequests(request.body, { joining: true }),
          placement: parsePlacement(request.body),
        }),
      ),
  );

  app.post(
    '/clusters/:name/upgrade',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: "Upgrade a cluster's K3s: its nodes move one at a time, servers first, each after the previous is ready again",
        description:
          "Refused (409 UpgradeRefused) when the target downgrades, skips a Kubernetes minor, embeds no K3s, or a node cannot reach it; 409 InvalidState (reason UpgradeInProgress) while another upgrade is unfinished. Asking again for the osProfile of a stopped upgrade resumes it. Progress is the cluster's `upgrade`.",
        params: ClusterParams,
        body: ClusterUpgradeRequest,
        response: { 202: ClusterSchema, ...problemResponses(404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(viewCluster(await upgradeCluster(deps, { ...request.params, osProfile: request.body.osProfile }), readStalenessClock(deps))),
  );

  app.delete(
    '/clusters/:name/nodes/:host',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'Remove a node: its host removes K3s and returns to provisioned (not the first server while others remain, nor the last node)',
        params: ClusterNodeParams,
        response: { 200: ClusterSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => viewCluster(await removeClusterNode(deps, request.params), readStalenessClock(deps)),
  );

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
        description:
          'Its hosts return to provisioned; with deauthorize=true they are deauthorized instead, which needs hosts:write as well.',
        params: ClusterParams,
        querystring: ClusterDeleteQuery,
        response: { 202: ClusterSchema, 204: Type.Null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const deletion = await deleteCluster(deps, {
        ...request.params,
        force: request.query.force === true,
        deauthorize: request.query.deauthorize === true,
        role: request.principal!.role,
      });
      return deletion.kind === 'deleted' ? reply.code(204).send(null) : reply.code(202).send(deletion.cluster);
    },
  );
};
