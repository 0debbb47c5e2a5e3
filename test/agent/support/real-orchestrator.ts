/**
 * The real orchestrator for agent tests: the API from buildApp with the registration worker next to it, on a
 * SQLite store in a temporary directory, listening on 127.0.0.1 (port 0 at first, the same port after a
 * restart). Tests drive a host's desired state through the real API with an admin token and read the results
 * there. Faults a sound server does not make by itself are injected by an onRequest hook on the real app:
 * answering a status to, or dropping the connection of, the next agent requests to a path. `stop` and `start`
 * are a real restart: the process's server, worker and store are closed and opened again on the same file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/app.ts';
import { AGENT_PREFIX } from '../../../src/contract/paths.ts';
import { createTokenSecret, hashTokenSecret } from '../../../src/workflow/token-secret.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { createEphemeralKeyring } from '../../../src/store/secret-box.ts';
import type { Store } from '../../../src/store/store.ts';
import { createRegistrationEngine, type RegistrationEngine } from '../../../src/workflow/engine.ts';
import { HostEvents } from '../../../src/workflow/host-events.ts';
import { WorkSignal } from '../../../src/workflow/work-signal.ts';

export const PROJECT = 'edge';

/** A southbound path as the agent calls it, below /api/v1/agent. */
export type AgentPath = '/enroll' | '/desired-state' | '/report';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface RegisteredHost {
  hostId: string;
  name: string;
  cluster: string | null;
}

export interface RealOrchestrator {
  /** http://127.0.0.1:<port>, the same across restarts. */
  readonly url: string;
  /** A project enrollment token created through the API. */
  readonly enrollmentToken: string;
  /** An admin call through HTTP; `path` is below /api/v1/projects/<PROJECT>. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** `api` that fails the test unless the answer has one of `statuses`; returns the body. */
  ok<T = any>(statuses: number[], method: string, path: string, body?: unknown): Promise<T>;
  /** A southbound call as an agent makes it (another agent enrolling, a check of a credential). */
  agentCall<T = any>(method: 'GET' | 'POST', path: string, options?: { credential?: string; body?: unknown }): Promise<ApiAnswer<T>>;
  /** POST /registrations (waiting for the job) with these defaults; fails unless every host succeeded. */
  register(defaults: Record<string, unknown>, hosts: Record<string, unknown>[]): Promise<RegisteredHost[]>;
  /** The next `count` agent requests to `path` answer `status` (a problem document) without reaching the route. */
  failNext(path: AgentPath, count: number, status: number): void;
  /** The connections of the next `count` agent requests to `path` are dropped without an answer. */
  dropNext(path: AgentPath, count: number): void;
  /** How many injected faults were served on `path` so far. */
  faultsServed(path: AgentPath): number;
  /**
   * How many requests to `path` the server holds right now: enrollments waiting for their host's registration,
   * long-polls waiting for a change of a revision the agent already has (so the agent has acted on it).
   */
  held(path: '/enroll' | '/desired-state'): number;
  /** Closes the server (dropping open connections, long-polls included), the worker and the store. */
  stop(): Promise<void>;
  /** Opens the same store file and listens on the same port again. */
  start(): Promise<void>;
  /** Stops and removes the temporary directory. */
  close(): Promise<void>;
}

interface Running {
  app: FastifyInstance;
  engine: RegistrationEngine;
  store: Store;
}

export async function startRealOrchestrator(): Promise<RealOrchestrator> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-orch-agent-server-'));
  const storeConfig = { engine: 'sqlite', file: join(dir, 'edge-orch.sqlite'), secrets: createEphemeralKeyring() } as const;
  const faults = new Map<AgentPath, { count: number; status: number | 'drop'; served: number }>();
  let port = 0;
  let running: Running | null = null;
  const holding = { '/enroll': 0, '/desired-state': 0 };

  /** HostEvents that count the waits in progress: a held request is one waiting on them. */
  class WatchedHostEvents extends HostEvents {
    override async waitForRegistration(...args: Parameters<HostEvents['waitForRegistration']>): Promise<void> {
      holding['/enroll']++;
      await super.waitForRegistration(...args).finally(() => holding['/enroll']--);
    }
    override async waitForChange(...args: Parameters<HostEvents['waitForChange']>): Promise<void> {
      holding['/desired-state']++;
      await super.waitForChange(...args).finally(() => holding['/desired-state']--);
    }
  }

  const setup = await openStore(storeConfig);
  await setup.projects.ensure(PROJECT);
  const adminToken = createTokenSecret();
  await setup.tokens.create({ project: PROJECT, role: 'admin', name: 'agent-tests', secretHash: hashTokenSecret(adminToken) });
  await setup.close();

  async function start(): Promise<void> {
    if (running) throw new Error('the orchestrator is running already');
    const store = await openStore(storeConfig);
    const events = new WatchedHostEvents();
    const work = new WorkSignal();
    const app = await buildApp({ store, events, work });
    app.addHook('onRequest', async function injectFaults(request, reply) {
      const path = request.url.split('?')[0]!.slice(AGENT_PREFIX.length) as AgentPath;
      const fault = request.url.startsWith(`${AGENT_PREFIX}/`) ? faults.get(path) : undefined;
      if (!fault || fault.count === 0) return;
      fault.count--;
      fault.served++;
      if (fault.status === 'drop') {
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      await reply
        .code(fault.status)
        .type('application/problem+json')
        .send({ status: fault.status, code: 'Unavailable', detail: 'injected by the test' });
    });
    const engine = createRegistrationEngine({ store, pollMs: 50, events, work });
    await engine.start();
    await app.listen({ host: '127.0.0.1', port });
    port = (app.server.address() as { port: number }).port;
    running = { app, engine, store };
  }

  async function stop(): Promise<void> {
    if (!running) return;
    const { app, engine, store } = running;
    running = null;
    const closing = app.close();
    app.server.closeAllConnections();
    await closing;
    await engine.stop();
    await store.close();
  }

  await start();
  const url = `http://127.0.0.1:${port}`;

  async function request<T>(method: string, path: string, headers: Record<string, string>, body: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: (isJson && text ? JSON.parse(text) : text) as T };
  }

  const api = <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> =>
    request<T>(method, `/api/v1/projects/${PROJECT}${path}`, { authorization: `Bearer ${adminToken}` }, body);

  async function ok<T>(statuses: number[], method: string, path: string, body?: unknown): Promise<T> {
    const answer = await api<T>(method, path, body);
    if (!statuses.includes(answer.status))
      throw new Error(`${method} ${path} answered ${answer.status}, expected ${statuses.join(' or ')}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const enrollmentToken = (await ok<{ token: string }>([201], 'POST', '/enrollment-tokens', { name: 'agent-tests' })).token;

  return {
    url,
    enrollmentToken,
    api,
    ok,
    agentCall: (method, path, { credential, body } = {}) =>
      request(method, `${AGENT_PREFIX}${path}`, credential ? { authorization: `Bearer ${credential}` } : {}, body),
    async register(defaults, hosts) {
      const job = await ok<{
        status: string;
        hosts: { status: string; hostId: string; name: string; cluster: string | null; steps: unknown }[];
      }>([201], 'POST', '/registrations?wait=20', { defaults, hosts });
      if (job.status !== 'succeeded') throw new Error(`the registration did not succeed: ${JSON.stringify(job.hosts.map((h) => h.steps))}`);
      return job.hosts.map((h) => ({ hostId: h.hostId, name: h.name, cluster: h.cluster }));
    },
    failNext(path, count, status) {
      faults.set(path, { count, status, served: faults.get(path)?.served ?? 0 });
    },
    dropNext(path, count) {
      faults.set(path, { count, status: 'drop', served: faults.get(path)?.served ?? 0 });
    },
    faultsServed: (path) => faults.get(path)?.served ?? 0,
    held: (path) => holding[path],
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
