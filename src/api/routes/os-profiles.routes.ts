/** OS profiles: create, import (manifest.json / infra-core YAML), get (a version, or the latest), list, delete. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseOsProfile, parseOsProfileDocument } from '../../domain/inventory/os-profile.ts';
import { deleteOsProfile } from '../../workflow/use-cases/delete-os-profile.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import {
  OsProfileCreate,
  OsProfileImport,
  OsProfileList,
  OsProfileListQuery,
  OsProfileParams,
  OsProfileSchema,
  OsProfileVersionParams,
} from '../../contract/os-profile.schema.ts';
import type { ApiDeps } from '../app.ts';

export const osProfileRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  app.post(
    '/osprofiles',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Create an OS profile version',
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
        summary: 'Import an OS profile file (image manifest.json or infra-core YAML) as a new version',
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
        summary: 'List OS profiles: every version, by name, the latest version first (cursor pagination)',
        params: ProjectParams,
        querystring: OsProfileListQuery,
        response: { 200: OsProfileList, ...problemResponses() },
      },
    },
    async (request) => {
      const { name, limit, cursor } = request.query;
      return store.osProfiles.list(request.params.project, { name }, { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) });
    },
  );

  app.get(
    '/osprofiles/:name',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Get the latest version of an OS profile',
        params: OsProfileParams,
        response: { 200: OsProfileSchema, ...problemResponses(404) },
      },
    },
    async (request) => store.osProfiles.get(request.params.project, { name: request.params.name }),
  );

  app.get(
    '/osprofiles/:name/versions/:version',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Get an OS profile version',
        params: OsProfileVersionParams,
        response: { 200: OsProfileSchema, ...problemResponses(404) },
      },
    },
    async (request) => store.osProfiles.get(request.params.project, request.params),
  );

  app.delete(
    '/osprofiles/:name',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Delete the only version of an OS profile (400 when it has several; 409 while in use)',
        params: OsProfileParams,
        response: { 204: Type.Null(), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteOsProfile(deps, { project: request.params.project, ref: { name: request.params.name } });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/osprofiles/:name/versions/:version',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['osprofiles'],
        summary: 'Delete an OS profile version (409 while in use)',
        params: OsProfileVersionParams,
        response: { 204: Type.Null(), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { project, name, version } = request.params;
      await deleteOsProfile(deps, { project, ref: { name, version } });
      return reply.code(204).send(null);
    },
  );
};
