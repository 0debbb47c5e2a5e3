/** Cluster templates: create/import, get, list (filtered by compatibility with an OS profile), delete. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { computeCompatibility } from '../../domain/compatibility/compatibility.ts';
import { parseTemplate } from '../../domain/inventory/template.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { TemplateCreate, TemplateList, TemplateListQuery, TemplateParams, TemplateSchema } from '../../contract/template.schema.ts';
import type { ApiDeps } from '../app.ts';

export const templateRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
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
        summary: 'List templates; with compatibleWithOsProfile only those that can run on it',
        params: ProjectParams,
        querystring: TemplateListQuery,
        response: { 200: TemplateList, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { project } = request.params;
      const { compatibleWithOsProfile, explain, ...filter } = request.query;
      const templates = await store.templates.list(project, filter);
      if (!compatibleWithOsProfile) return { items: templates };
      const profile = await store.osProfiles.get(project, compatibleWithOsProfile);
      const items = [];
      const excluded = [];
      for (const template of templates) {
        const result = computeCompatibility(template, profile);
        if (result.compatible) {
          items.push({ ...template, compatibility: { osProfile: profile.name, ...result } });
        } else {
          excluded.push({
            name: template.name,
            version: template.version,
            kubernetesVersion: template.kubernetesVersion,
            reason: result.reason,
          });
        }
      }
      return explain ? { items, excluded } : { items };
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
