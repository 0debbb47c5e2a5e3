/**
 * buildApp: the HTTP API as a Fastify instance that never listens by itself (tests use inject, main listens).
 * Project routes live under /api/v1/projects/:project; the OpenAPI 3.1 document is generated from them.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AGENT_PREFIX, OPENAPI_PATH, PROJECT_PREFIX } from '../contract/paths.ts';
import { HostEvents } from '../workflow/host-events.ts';
import type { UseCaseDeps } from '../workflow/use-cases/use-case-deps.ts';
import { WorkSignal } from '../workflow/work-signal.ts';
import { auth } from './plugins/auth.ts';
import { jsonBody } from './plugins/json-body.ts';
import { agentRoutes, enrollmentTokenRoutes } from './routes/agent.routes.ts';
import { problemDetails } from './plugins/problem-details.ts';
import { clusterRoutes } from './routes/clusters.routes.ts';
import { hostRoutes } from './routes/hosts.routes.ts';
import { instanceRoutes } from './routes/instances.routes.ts';
import { osProfileRoutes } from './routes/os-profiles.routes.ts';
import { registrationRoutes } from './routes/registrations.routes.ts';
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

/** What every route group is given: the use-cases' dependencies. */
export type ApiDeps = UseCaseDeps;

export interface BuildAppOptions extends Omit<ApiDeps, 'events' | 'work'> {
  /** Shared with the registration worker, which tells agents about its steps; a new one by default. */
  events?: HostEvents;
  /** Shared with the registration worker, which it wakes; a new one by default (no worker in this process). */
  work?: WorkSignal;
  logger?: FastifyServerOptions['logger'];
  /** Serve TLS with this key and certificate (PEM); plain HTTP without. */
  https?: { key: string; cert: string };
}

/** Secrets that must never reach a log line. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-edge-orch-host-credential"]'];

export async function buildApp({
  store,
  events = new HostEvents(),
  work = new WorkSignal(),
  logger = false,
  mirrorUrl,
  agentTrust,
  https,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as the HTTP instance either way: routes and plugins do not depend on the transport.
    ...(https ? ({ https } as object) : {}),
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
  await app.register(jsonBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'edge-orch',
        version: '1',
        description: 'Edge orchestrator: OS profiles, cluster templates, hosts, instances, clusters.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(auth, { tokens: store.tokens });

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get(OPENAPI_PATH, { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const deps: ApiDeps = { store, events, work, ...(mirrorUrl ? { mirrorUrl } : {}), ...(agentTrust ? { agentTrust } : {}) };
  for (const routes of [
    osProfileRoutes,
    templateRoutes,
    hostRoutes,
    instanceRoutes,
    clusterRoutes,
    registrationRoutes,
    tokenRoutes,
    enrollmentTokenRoutes,
  ]) {
    await app.register(routes, { prefix: PROJECT_PREFIX, ...deps });
  }
  await app.register(agentRoutes, { prefix: AGENT_PREFIX, ...deps });
  return app;
}
