/**
 * buildApp: the HTTP API as a Fastify instance that never listens by itself (tests use inject, main listens).
 * Project routes live under /api/v1/projects/:project; the OpenAPI 3.1 document is generated from them.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Store } from '../store/store.ts';
import type { MirrorUrl } from '../domain/bootstrap/mirror-url.ts';
import { HostEvents } from '../workflow/host-events.ts';
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

export interface ApiDeps {
  store: Store;
  /** Wakes agents' long-polls after writes that change a host's desired state. */
  events: HostEvents;
}

export interface BuildAppOptions extends Omit<ApiDeps, 'events'> {
  events?: HostEvents;
  logger?: FastifyServerOptions['logger'];
  /** Artifact mirror for hosts that download K3s (no embedded K3s); without it they use upstream. */
  mirrorUrl?: MirrorUrl;
}

export const PROJECT_PREFIX = '/api/v1/projects/:project';
export const OPENAPI_PATH = '/api/v1/openapi.json';
export const AGENT_PREFIX = '/api/v1/agent';

/** Secrets that must never reach a log line. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-edge-orch-host-credential"]'];

export async function buildApp({ store, events = new HostEvents(), logger = false, mirrorUrl }: BuildAppOptions): Promise<FastifyInstance> {
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

  const deps: ApiDeps = { store, events };
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
  await app.register(agentRoutes, { prefix: AGENT_PREFIX, ...deps, ...(mirrorUrl ? { mirrorUrl } : {}) });
  return app;
}
