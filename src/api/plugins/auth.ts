/**
 * Bearer-token auth. Every route declares `config.permission` (a route without one fails at start-up), and each
 * route that needs a token gets the check as its own hook; project routes also require the token's project to be
 * the one in the path, so no project sees another's data.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../domain/errors.ts';
import { reasonCodes } from '../../domain/reasons.ts';
import { isAllowed, type Permission } from '../../domain/roles.ts';
import type { ApiToken, TokenStore } from '../../store/store.ts';
import { hashTokenSecret } from '../../workflow/token-secret.ts';
import { addRouteHook } from '../route-hooks.ts';

/** `public` routes need no credential (health, OpenAPI document); `agent` routes are checked by their own plugin. */
export type RoutePermission = Permission | 'public' | 'agent';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    principal: ApiToken | null;
  }
}

export const auth = fp(async function authPlugin(app: FastifyInstance, { tokens }: { tokens: TokenStore }) {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', function requirePermission(route) {
    const permission = route.config?.permission;
    if (!permission && !route.url.startsWith('/documentation')) {
      throw new Error(`route ${route.method} ${route.url} declares no config.permission`);
    }
    if (permission === undefined || permission === 'public' || permission === 'agent') return;
    addRouteHook(route, 'onRequest', async function authenticate(request: FastifyRequest) {
      const header = request.headers.authorization;
      const secret = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      if (!secret) throw new AppError('Unauthenticated', 'send an API token as "Authorization: Bearer <token>"');
      const token = await tokens.findBySecretHash(hashTokenSecret(secret));
      if (!token) throw new AppError('Unauthenticated', 'the API token is not valid (unknown or revoked)');
      if (token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now())
        throw new AppError('Unauthenticated', `the API token expired at ${token.expiresAt}; ask an admin for a new one`, {
          reason: reasonCodes.ApiTokenExpired,
        });
      // Known from here on, so the audit log names the token even when the request is refused below.
      request.auditActor = {
        project: token.project,
        actor: { kind: 'api-token', tokenId: token.id, tokenName: token.name, role: token.role },
      };
      const project = (request.params as { project?: string } | undefined)?.project;
      if (project !== undefined && project !== token.project) {
        throw new AppError('Forbidden', `this token belongs to project "${token.project}", not "${project}"`);
      }
      if (!isAllowed(token.role, permission)) {
        throw new AppError('Forbidden', `role ${token.role} may not do this (needs ${permission})`, {
          reason: reasonCodes.RoleNotAllowed,
        });
      }
      request.principal = token;
    });
  });
});
