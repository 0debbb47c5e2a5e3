/** API tokens of a project (admin only). The secret is returned once and stored only as a hash. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { TokenCreate, TokenCreated, TokenList, TokenListQuery, TokenParams } from '../../contract/token.schema.ts';
import { createApiToken } from '../../workflow/use-cases/create-api-token.ts';
import type { ApiDeps } from '../app.ts';

export const tokenRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  app.post(
    '/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token for this project',
        params: ProjectParams,
        body: TokenCreate,
        response: { 201: TokenCreated, ...problemResponses() },
      },
    },
    async (request, reply) => reply.code(201).send(await createApiToken(deps, { ...request.params, ...request.body })),
  );

  app.get(
    '/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens (without secrets), oldest first (cursor pagination)',
        params: ProjectParams,
        querystring: TokenListQuery,
        response: { 200: TokenList, ...problemResponses() },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return store.tokens.list(request.params.project, { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: TokenParams,
        response: { 204: Type.Null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      await store.tokens.delete(request.params.project, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
