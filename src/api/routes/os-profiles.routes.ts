/** OS profiles: create, import (manifest.json / infra-core YAML), get, list, delete. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseOsProfile, parseOsProfileDocument } from '../../domain/inventory/os-profile.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { OsProfileCreate, OsProfileImport, OsProfileList, OsProfileParams, OsProfileSchema } from '../../contract/os-profile.schema.ts';
import type { ApiDeps } from '../app.ts';

export const osProfileRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.post(
    '/osprofiles',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Create an OS profile',
        params: ProjectParams,
        body: OsProfileCreate,
        response: { 201: OsProfileSchema, ...problemResponses(409) },
      },
    },
    async (request, reply) => {
      const profile = await store.osProfiles.create(request.params.project, parseOsProfile({ ...request.body, source: 'api' }));
      return reply.code(201).send(profile);
    },
  );

  app.post(
    '/osprofiles/import',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Import an OS profile file (image manifest.json or infra-core YAML)',
        params: ProjectParams,
        body: OsProfileImport,
        response: { 201: OsProfileSchema, ...problemResponses(409) },
      },
    },
    async (request, reply) => {
      const { document, name } = request.body;
      const profile = await store.osProfiles.create(request.params.project, parseOsProfileDocument(document, name ? { name } : {}));
      return reply.code(201).send(profile);
    },
  );

  app.get(
    '/osprofiles',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['osprofiles'],
        summary: 'List OS profiles',
        params: ProjectParams,
        response: { 200: OsProfileList, ...problemResponses() },
      },
    },
    async (request) => ({ items: await store.osProfiles.list(request.params.project) }),
  );

  app.get(
    '/osprofiles/:name',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Get an OS profile',
        params: OsProfileParams,
        response: { 200: OsProfileSchema, ...problemResponses(404) },
      },
    },
    async (request) => store.osProfiles.get(request.params.project, request.params.name),
  );

  app.delete(
    '/osprofiles/:name',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Delete an OS profile (refused while in use)',
        params: OsProfileParams,
        response: { 204: Type.Null(), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await store.osProfiles.delete(request.params.project, request.params.name);
      return reply.code(204).send(null);
    },
  );
};
