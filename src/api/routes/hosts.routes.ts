/** Hosts: register, get, list (filters + cursor), update labels/site/name, deauthorize, delete. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invalidField } from '../../domain/errors.ts';
import { DNS_LABEL, DNS_LABEL_FORM, readLabels } from '../../domain/fields.ts';
import { computeDeauthorizeEffect } from '../../domain/inventory/deauthorize.ts';
import { parseHostRegistration, type Host } from '../../domain/inventory/host.ts';
import type { Store } from '../../store/store.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { HostCreate, HostList, HostListQuery, HostParams, HostSchema, HostUpdate } from '../../contract/host.schema.ts';
import type { ApiDeps } from '../app.ts';

/** Hosts are addressed by id or by name. */
export async function resolveHost(store: Store, project: string, idOrName: string): Promise<Host> {
  const byId = await store.hosts.find(project, idOrName);
  if (byId) return byId;
  const { items } = await store.hosts.list(project, { namePrefix: idOrName }, { limit: 500 });
  return items.find((h) => h.name === idOrName) ?? (await store.hosts.get(project, idOrName));
}

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

export const hostRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, events }) => {
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
      const host = await store.hosts.register(request.params.project, parseHostRegistration(request.body, ''));
      events.registered(host.project);
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
      const { state, site, label, namePrefix, limit, cursor } = request.query;
      const labels = parseLabelSelector(label);
      return store.hosts.list(
        request.params.project,
        { ...(state ? { state } : {}), ...(site ? { site } : {}), ...(labels ? { labels } : {}), ...(namePrefix ? { namePrefix } : {}) },
        { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) },
      );
    },
  );

  app.get(
    '/hosts/:host',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: 'Get a host by id or name',
        params: HostParams,
        response: { 200: HostSchema, ...problemResponses(404) },
      },
    },
    async (request) => resolveHost(store, request.params.project, request.params.host),
  );

  app.patch(
    '/hosts/:host',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: "Update a host's name, site or labels",
        params: HostParams,
        body: HostUpdate,
        response: { 200: HostSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => {
      const { project } = request.params;
      const host = await resolveHost(store, project, request.params.host);
      const { name, site, labels } = request.body;
      if (name !== undefined && !DNS_LABEL.test(name))
        throw invalidField('name', `name ${JSON.stringify(name)} is not valid; expected ${DNS_LABEL_FORM}`);
      return store.hosts.update(project, host.id, {
        ...(name !== undefined ? { name } : {}),
        ...(site !== undefined ? { site: site === '' ? null : parseHostRegistration({ serial: 'x', site }).site } : {}),
        ...(labels !== undefined ? { labels: readLabels(labels, 'labels') } : {}),
      });
    },
  );

  app.post(
    '/hosts/:host/deauthorize',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'Deauthorize a host: its cluster is deleted (or its node leaves a multi-node cluster); it may not enroll again',
        params: HostParams,
        response: { 200: HostSchema, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { project } = request.params;
      const host = await resolveHost(store, project, request.params.host);
      const deauthorized = await store.transaction(async (tx) => {
        const effect = computeDeauthorizeEffect(await tx.clusters.findByHost(project, host.id), host.id);
        if (effect.kind === 'delete-cluster')
          await tx.clusters.update(project, effect.cluster, { phase: 'deleting', message: `host ${host.name} was deauthorized` });
        if (effect.kind === 'remove-node')
          await tx.clusters.update(project, effect.cluster, { nodes: effect.nodes, message: `host ${host.name} left: deauthorized` });
        return tx.hosts.setState(project, host.id, 'deauthorized');
      });
      events.changed(project, host.id);
      return deauthorized;
    },
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
      const host = await resolveHost(store, request.params.project, request.params.host);
      await store.hosts.delete(request.params.project, host.id);
      return reply.code(204).send(null);
    },
  );
};
