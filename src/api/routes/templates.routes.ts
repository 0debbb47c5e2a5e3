/** Cluster templates: create/import, get, list (filtered by compatibility with an OS profile), delete. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { formatTemplateInfo, parseTemplate } from '../../domain/inventory/template.ts';
import { listTemplates } from '../../workflow/use-cases/list-templates.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import {
  TemplateCreate,
  TemplateInfoSchema,
  TemplateList,
  TemplateListQuery,
  TemplateParams,
  TemplateSchema,
} from '../../contract/template.schema.ts';
import type { ApiDeps } from '../app.ts';

export const templateRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  app.post(
    '/templates',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['templates'],
        summary: 'Create or import a cluster template (EMF TemplateInfo JSON accepted as is)',
        params: ProjectParams,
        body: TemplateCreate,
        response: { 201: TemplateSchema, ...problemResponses(409) },
      },
    },
    async (request, reply) => reply.code(201).send(await store.templates.create(request.params.project, parseTemplate(request.body))),
  );

  app.get(
    '/templates',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['templates'],
        summary: 'List templates by name, then version (cursor pagination); with compatibleWithOsProfile only those that can run on it',
        params: ProjectParams,
        querystring: TemplateListQuery,
        response: { 200: TemplateList, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { compatibleWithOsProfile, explain, limit, cursor, ...filter } = request.query;
      const page = { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) };
      return listTemplates(deps, { project: request.params.project, filter, compatibleWithOsProfile, explain, page });
    },
  );

  app.get(
    '/templates/:name/versions/:version',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['templates'],
        summary: 'Get a template version',
        params: TemplateParams,
        response: { 200: TemplateSchema, ...problemResponses(404) },
      },
    },
    async (request) => store.templates.get(request.params.project, request.params),
  );

  app.get(
    '/templates/:name/versions/:version/templateinfo',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['templates'],
        summary: "Export a template version as cluster-manager's TemplateInfo (what POST /v2/templates takes)",
        params: TemplateParams,
        response: { 200: TemplateInfoSchema, ...problemResponses(404) },
      },
    },
    async (request) => formatTemplateInfo(await store.templates.get(request.params.project, request.params)),
  );

  app.delete(
    '/templates/:name/versions/:version',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['templates'],
        summary: 'Delete a template version (409 while a cluster uses it)',
        params: TemplateParams,
        response: { 204: Type.Null(), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await store.templates.delete(request.params.project, request.params);
      return reply.code(204).send(null);
    },
  );
};
