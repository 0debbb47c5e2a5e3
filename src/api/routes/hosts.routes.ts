/**
 * Hosts: register, get, list (filters + cursor, or the hosts eligible for a template), the agent's last report,
 * update labels/site/name, provision, approve or reject, reset credential, deauthorize, delete.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invalidField } from '../../domain/errors.ts';
import { readLabels } from '../../domain/fields.ts';
import { parseHostRegistration, parseHostUpdate } from '../../domain/inventory/host.ts';
import { parseTemplateRef } from '../../domain/inventory/template.ts';
import { deauthorizeHost } from '../../workflow/use-cases/deauthorize-host.ts';
import { listEligibleHosts } from '../../workflow/use-cases/list-eligible-hosts.ts';
import { provisionHost } from '../../workflow/use-cases/provision-host.ts';
import { decideHostApproval } from '../../workflow/use-cases/decide-host-approval.ts';
import { deleteHost } from '../../workflow/use-cases/delete-host.ts';
import { loadHostReport } from '../../workflow/use-cases/load-host-report.ts';
import { registerHost } from '../../workflow/use-cases/register-host.ts';
import { resetHostCredential } from '../../workflow/use-cases/reset-host-credential.ts';
import { resolveHost } from '../../workflow/use-cases/resolve-host.ts';
import { updateHost } from '../../workflow/use-cases/update-host.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { HostCreate, HostList, HostListQuery, HostParams, HostSchema, HostUpdate, HostReportAnswer } from '../../contract/host.schema.ts';
import { ProvisionRequest, ProvisionResult } from '../../contract/cluster.schema.ts';
import type { ApiDeps } from '../app.ts';

/** `k=v,k2=v2` → labels; names the query field when malformed. */
function parseLabelSelector(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  const pairs = text.split(',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw invalidField('querystring/label', `label selector ${JSON.stringify(part)} is not k=v`);
    return [part.slice(0, eq), part.slice(eq + 1)] as const;
  });
  return readLabels(Object.fromEntries(pairs), 'querystring/label');
}

export const hostRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  app.post(
    '/hosts',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'Register a host by uuid and/or serial',
        params: ProjectParams,
        body: HostCreate,
        response: { 201: HostSchema, ...problemResponses(409) },
      },
    },
    async (request, reply) => {
      const host = await registerHost(deps, request.params.project, parseHostRegistration(request.body, ''));
      return reply.code(201).send(host);
    },
  );

  app.get(
    '/hosts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: 'List hosts (filters, cursor pagination)',
        params: ProjectParams,
        querystring: HostListQuery,
        response: { 200: HostList, ...problemResponses() },
      },
    },
    async (request) => {
      const { state, site, label, namePrefix, limit, cursor, eligibleFor, eligibleForCluster, explain } = request.query;
      const labels = parseLabelSelector(label);
      const filter = {
        ...(state ? { state } : {}),
        ...(site ? { site } : {}),
        ...(labels ? { labels } : {}),
        ...(namePrefix ? { namePrefix } : {}),
      };
      const page = { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) };
      if (eligibleFor !== undefined && eligibleForCluster !== undefined)
        throw invalidField('querystring/eligibleForCluster', 'give eligibleFor (a template) or eligibleForCluster (a cluster), not both');
      if (eligibleFor === undefined && eligibleForCluster === undefined) {
        if (explain)
          throw invalidField(
            'querystring/explain',
            'explain lists the hosts that are not eligible: it needs eligibleFor=<template name:version>',
          );
        return store.hosts.list(request.params.project, filter, page);
      }
      const target =
        eligibleFor !== undefined
          ? { template: parseTemplateRef(eligibleFor, 'querystring/eligibleFor') }
          : { cluster: eligibleForCluster! };
      return listEligibleHosts(deps, { project: request.params.project, ...target, explain: explain === true, filter, page });
    },
  );

  app.get(
    '/hosts/:host',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: 'Get a host by id, name, serial or uuid',
        params: HostParams,
        response: { 200: HostSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => resolveHost(deps, request.params.project, request.params.host),
  );

  app.get(
    '/hosts/:host/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: "The host agent's last report: OS image and embedded K3s it runs, its cluster's phase, and when (null before the first)",
        params: HostParams,
        response: { 200: HostReportAnswer, ...problemResponses(404) },
      },
    },
    async (request) => ({ report: await loadHostReport(deps, request.params) }),
  );

  app.patch(
    '/hosts/:host',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: "Update a host's name, site or labels",
        description: 'Renaming a cluster node changes its install plan: it needs clusters:write as well (403, ClusterNodeChange).',
        params: HostParams,
        body: HostUpdate,
        response: { 200: HostSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => updateHost(deps, { ...request.params, update: parseHostUpdate(request.body), role: request.principal!.role }),
  );

  app.post(
    '/hosts/:host/instance',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'Provision a host: create its instance of an OS profile, answered with the step result as in a registration job',
        description:
          '201 when the instance was created, 200 when the host already has one of this OS profile; a failed step is a problem document with `steps`.',
        params: HostParams,
        body: ProvisionRequest,
        response: { 200: ProvisionResult, 201: ProvisionResult, ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const provisioning = await provisionHost(deps, { ...request.params, osProfile: request.body.osProfile });
      const { created, ...answer } = provisioning;
      return reply.code(created ? 201 : 200).send(answer);
    },
  );

  app.post(
    '/hosts/:host/deauthorize',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'Deauthorize a host: its cluster is deleted (or its node leaves a multi-node cluster); it may not enroll again',
        description: 'Deauthorizing a cluster node changes its cluster: it needs clusters:write as well (403, ClusterNodeChange).',
        params: HostParams,
        response: { 200: HostSchema, ...problemResponses(404) },
      },
    },
    async (request) => deauthorizeHost(deps, { ...request.params, role: request.principal!.role }),
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/hosts/:host/${decision}`,
      {
        config: { permission: 'hosts:write' },
        schema: {
          tags: ['hosts'],
          summary:
            decision === 'approve'
              ? "Approve a host awaiting approval: its agent's next enrollment onboards it"
              : 'Reject a host awaiting approval: it is deauthorized and may not enroll',
          params: HostParams,
          response: { 200: HostSchema, ...problemResponses(404, 409) },
        },
      },
      async (request) => decideHostApproval(deps, { ...request.params, decision }),
    );
  }

  app.post(
    '/hosts/:host/reset-credential',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: "Reset a host's credential: its agent is refused, and the next agent with its identity and an enrollment token enrolls it",
        description: 'Resetting a cluster node needs clusters:write as well (403, ClusterNodeChange).',
        params: HostParams,
        response: { 200: HostSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => resetHostCredential(deps, { ...request.params, role: request.principal!.role }),
  );

  app.delete(
    '/hosts/:host',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'Delete a host (refused while an instance or cluster uses it)',
        params: HostParams,
        response: { 204: Type.Null(), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteHost(deps, request.params);
      return reply.code(204).send(null);
    },
  );
};
