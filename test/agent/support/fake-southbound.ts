/**
 * A scriptable stand-in for the orchestrator's southbound API (/api/v1/agent/*) on a real HTTP port, for agent
 * tests: it records every request, answers enrollment by identity, serves a desired state that tests change
 * (waking long-polls the way the server does), and can be made to fail or be stopped and started again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterAction } from '../../../src/domain/desired-state.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  body: any;
}

export interface FakeSouthbound {
  url: string;
  requests: RecordedRequest[];
  /** Hosts that may enroll, by uuid or serial; `deauthorized` answers 403. */
  hosts: Map<string, { hostId: string; hostName: string; deauthorized?: boolean }>;
  /** Credentials the server accepts. */
  credentials: Set<string>;
  /** Replaces the desired action; the revision changes and waiting long-polls answer. */
  setAction(action: ClusterAction): void;
  /** The next `count` requests to `path` (e.g. '/report') answer `status`. */
  failNext(path: string, count: number, status: number): void;
  reports(): any[];
  stop(): Promise<void>;
  /** Listens again on the same port (a restarted server). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createFakeSouthbound({ host = '127.0.0.1' }: { host?: string } = {}): Promise<FakeSouthbound> {
  let action: ClusterAction = { kind: 'none' };
  let revision = 1;
  let waiters: (() => void)[] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const requests: RecordedRequest[] = [];
  const hosts = new Map<string, { hostId: string; hostName: string; deauthorized?: boolean }>();
  const credentials = new Set<string>();
  let issued = 0;
  let port = 0;
  let server: Server;
  const sockets = new Set<import('node:net').Socket>();

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }).end(JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, code: string, detail: string): void => send(res, status, { status, code, detail });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api\/v1\/agent/, '');
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) : null;
    requests.push({ method: req.method ?? '', path, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization ?? null, body });
    const failure = failures.get(path);
    if (failure && failure.count > 0) {
      failure.count--;
      return problem(res, failure.status, 'Internal', 'scripted failure');
    }
    if (path === '/enroll') {
      if (body.enrollmentToken !== 'enroll-secret') return problem(res, 401, 'Unauthenticated', 'the enrollment token is not valid');
      const host = hosts.get(body.uuid) ?? hosts.get(body.serial);
      if (!host) return problem(res, 404, 'NotFound', 'no such host');
      if (host.deauthorized) return problem(res, 403, 'Forbidden', 'deauthorized');
      const credential = `credential-${++issued}`;
      credentials.add(credential);
      return send(res, 200, { project: 'default', hostId: host.hostId, hostName: host.hostName, credential });
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!credentials.has(bearer)) return problem(res, 401, 'Unauthenticated', 'the host credential is not valid');
    if (path === '/desired-state') {
      const deadline = Date.now() + Number(url.searchParams.get('waitSeconds') ?? 25) * 1000;
      while (url.searchParams.get('revision') === String(revision) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return send(res, 200, { revision: String(revision), host: { id: 'h-1', name: 'edge-node-1', state: 'provisioned' }, osProfile: null, action });
    }
    if (path === '/report') return send(res, 200, { accepted: true });
    return problem(res, 404, 'RouteNotFound', path);
  }

  const listen = async (): Promise<void> => {
    server = createServer((req, res) => void handle(req, res).catch((error) => problem(res, 500, 'Internal', String(error))));
    server.on('connection', (socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen();

  return {
    url: `http://${host}:${port}`,
    requests,
    hosts,
    credentials,
    setAction(next) {
      action = next;
      revision++;
      const wake = waiters;
      waiters = [];
      wake.forEach((w) => w());
    },
    failNext(path, count, status) {
      failures.set(path, { count, status });
    },
    reports: () => requests.filter((r) => r.path === '/report').map((r) => r.body),
    stop,
    start: listen,
    async close() {
      waiters.forEach((w) => w());
      await stop().catch(() => undefined);
    },
  };
}
