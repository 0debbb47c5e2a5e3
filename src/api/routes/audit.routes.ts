/** The project's audit log (admin only), newest first, in pages, filtered by actor and action. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditList, AuditQuery } from '../../contract/audit.schema.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import type { ApiDeps } from '../app.ts';

export const auditRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  app.get(
    '/audit',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log: every change asked of the API (who, which token, what, when, result), newest first',
        params: ProjectParams,
        querystring: AuditQuery,
        response: { 200: AuditList, ...problemResponses() },
      },
    },
    async (request) => {
      const { actor, action, ...page } = request.query;
      return deps.store.audit.list(request.params.project, page, { actor, action });
    },
  );
};
