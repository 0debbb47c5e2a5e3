/**
 * buildApp: the HTTP API as a Fastify instance that never listens by itself (tests use inject, main listens).
 * Project routes live under /api/v1/projects/:project; the OpenAPI 3.1 document is generated from them and
 * names the permission each route needs (`x-permission`). Every door has a limit (see limits.ts).
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AGENT_PREFIX, OPENAPI_PATH, PROJECT_PREFIX } from '../contract/paths.ts';
import { HostEvents } from '../workflow/host-events.ts';
import type { UseCaseDeps } from '../workflow/use-cases/use-case-deps.ts';
import { WorkSignal } from '../workflow/work-signal.ts';
import { DEFAULT_LIMITS, type ApiLimits } from './limits.ts';
import { audit } from './plugins/audit.ts';
import { auth } from './plugins/auth.ts';
import { jsonBody } from './plugins/json-body.ts';
import { rateLimits } from './plugins/rate-limits.ts';
import { requestLog } from './plugins/request-log.ts';
import { agentRoutes, enrollmentTokenRoutes } from './routes/agent.routes.ts';
import { answerClientError, answerProblem, problemDetails } from './plugins/problem-details.ts';
import { describePermission } from './route-permission.ts';
import { createSchemaValidators } from './schema-validators.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { capiRoutes } from './routes/capi.routes.ts';
import { clusterRoutes } from './routes/clusters.routes.ts';
import { hostRoutes } from './routes/hosts.routes.ts';
import { instanceRoutes } from './routes/instances.routes.ts';
import { onboardingRoutes } from './routes/onboarding.routes.ts';
import { osProfileRoutes } from './routes/os-profiles.routes.ts';
import { registrationRoutes } from './routes/registrations.routes.ts';
import { templateRoutes } from './routes/templates.routes.ts';
import { tokenRoutes } from './routes/tokens.routes.ts';
import { uiStaticRoutes } from './routes/ui-static.routes.ts';
import { uiRoutes } from './routes/ui.routes.ts';

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
  interface FastifyContextConfig {
    /** `bulk` routes take bodies up to ApiLimits.bulkBodyBytes (routes that need no credential take less). */
    body?: 'bulk';
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
  /** Tests shorten timeouts and windows; the defaults are what `serve` runs with. */
  limits?: Partial<ApiLimits>;
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
  osUpdateCommand,
  limits: limitOverrides = {},
  agentTrust,
  staleClusterAfterMs,
  now,
  clusterDriver,
  https,
}: BuildAppOptions): Promise<FastifyInstance> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...limitOverrides };
  const app = Fastify({
    // Typed as the HTTP instance either way: routes and plugins do not depend on the transport.
    ...(https ? ({ https } as object) : {}),
    logger: logger === false ? false : { ...(typeof logger === 'object' ? logger : {}), redact: REDACTED_PATHS },
    // request-log.ts logs what matters at info; the rest at debug.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: limits.timeoutCheckIntervalMs },
    frameworkErrors: answerProblem,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.server.maxConnections = limits.maxConnections;
  app.setValidatorCompiler(createSchemaValidators());

  const routeCatalog: RouteEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  app.addHook('onRoute', function recordRoute(route) {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalog.push({ method, url: route.url, permission: String(route.config?.permission) });
    }
  });
  app.addHook('onRoute', function limitBody(route) {
    if (route.bodyLimit !== undefined) return;
    if (route.config?.permission === 'public') route.bodyLimit = limits.publicBodyBytes;
    else if (route.config?.body === 'bulk') route.bodyLimit = limits.bulkBodyBytes;
  });
  await app.register(problemDetails);
  await app.register(requestLog, {});
  await app.register(jsonBody, { maxDepth: limits.jsonDepth });
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
    transform: function describeRoutePermission({ schema, url, route }) {
      return { schema: describePermission(schema, route.config?.permission), url };
    },
  });
  // Before auth: an address refused for failed authentications is refused before its token is looked up.
  await app.register(rateLimits, limits);
  await app.register(audit, { store });
  await app.register(auth, { tokens: store.tokens });

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get(OPENAPI_PATH, { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const deps: ApiDeps = {
    store,
    events,
    work,
    lobbyCapacity: limits.lobbyCapacity,
    ...(mirrorUrl ? { mirrorUrl } : {}),
    ...(agentTrust ? { agentTrust } : {}),
    ...(staleClusterAfterMs === undefined ? {} : { staleClusterAfterMs }),
    ...(now ? { now } : {}),
    ...(clusterDriver ? { clusterDriver } : {}),
    ...(osUpdateCommand ? { osUpdateCommand } : {}),
  };
  for (const routes of [
    osProfileRoutes,
    templateRoutes,
    hostRoutes,
    instanceRoutes,
    clusterRoutes,
    registrationRoutes,
    tokenRoutes,
    enrollmentTokenRoutes,
    onboardingRoutes,
    auditRoutes,
    capiRoutes,
  ]) {
    await app.register(routes, { prefix: PROJECT_PREFIX, ...deps });
  }
  await app.register(agentRoutes, { prefix: AGENT_PREFIX, ...deps });
  await app.register(uiRoutes, deps);
  await app.register(uiStaticRoutes);
  return app;
}
