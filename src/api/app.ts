/**
 * buildApp: the HTTP API as a Fastify instance that never listens by itself (tests use inject, main listens).
 * Project routes live under /api/v1/projects/:project; the OpenAPI 3.1 document is generated from them.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Store } from '../store/store.ts';
import { auth } from './plugins/auth.ts';
import { problemDetails } from './plugins/problem-details.ts';
import { clusterRoutes } from './routes/clusters.routes.ts';
import { hostRoutes } from './routes/hosts.routes.ts';
import { osProfileRoutes } from './routes/os-profiles.routes.ts';
import { templateRoutes } from './routes/templates.routes.ts';
import { tokenRoutes } from './routes/tokens.routes.ts';

/** A declared route, as collected at registration: the role matrix and OpenAPI tests walk this list. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: RouteEntry[];
  }
}

export interface ApiDeps {
  store: Store;
}

export interface BuildAppOptions extends ApiDeps {
  logger?: FastifyServerOptions['logger'];
}

export const PROJECT_PREFIX = '/api/v1/projects/:project';
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Secrets that must never reach a log line. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-edge-orch-host-credential"]'];

export async function buildApp({ store, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger === false ? false : { ...(typeof logger === 'object' ? logger : {}), redact: REDACTED_PATHS },
    bodyLimit: 32 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array' } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeCatalog: RouteEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  app.addHook('onRoute', function recordRoute(route) {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalog.push({ method, url: route.url, permission: String(route.config?.permission) });
    }
  });
  await app.register(problemDetails);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'edge-orch', version: '1', description: 'Edge orchestrator: OS profiles, cluster templates, hosts, instances, clusters.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(auth, { tokens: store.tokens });

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get(OPENAPI_PATH, { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const deps: ApiDeps = { store };
  for (const routes of [osProfileRoutes, templateRoutes, hostRoutes, clusterRoutes, tokenRoutes]) {
    await app.register(routes, { prefix: PROJECT_PREFIX, ...deps });
  }
  return app;
}
