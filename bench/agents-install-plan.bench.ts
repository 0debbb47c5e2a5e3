/**
 * 1,000 agents waiting while their hosts are registered with auto-provision and auto-cluster in one job: how long
 * from the registration request until each agent holds its install plan. Each simulated agent talks HTTP to a
 * server process like the real one: it holds an enrollment until its host is registered, long-polls its desired
 * state, reports its OS image when asked to wait for it, and stops at the install plan. Baseline, same run: the
 * same job on a fresh server with no agent connected (request → job finished). Goal: p95 ≤ 2 s.
 *
 *   node bench/agents-install-plan.bench.ts [--agents N] [--database postgres://…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createClient,
  readAdminToken,
  seedInventory,
  startServerProcess,
  type ServerProcess,
} from '../test/registration/server-process.ts';
import { printFigures, quantile } from './figures.ts';

const { values } = parseArgs({ options: { agents: { type: 'string', default: '1000' }, database: { type: 'string' } } });
const AGENTS = Number(values.agents);
const PROFILE = 'microvisor-nonrt';
const GOAL_P95_S = 2;

const serialOf = (i: number): string => `AGENT-${String(i).padStart(5, '0')}`;
const jobBody = {
  defaults: { autoProvision: true, autoCluster: true, osProfile: PROFILE, template: 'baseline-k3s:v0.0.4' },
  hosts: Array.from({ length: AGENTS }, (_, i) => ({ serial: serialOf(i) })),
};

interface Server {
  process: ServerProcess;
  request: ReturnType<typeof createClient>;
  stop(): Promise<void>;
}

async function startFresh(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'edge-orch-agents-'));
  const server = await startServerProcess({ dataDir, ...(values.database ? { database: values.database } : {}) });
  const request = createClient(() => server.url, await readAdminToken(dataDir));
  await seedInventory(request);
  return {
    process: server,
    request,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** JSON over HTTP from the agent's own address (loopback 127.1.x.y): enrollment is rate-limited per client address. */
function call<T>(
  agent: Agent,
  url: string,
  init: { method?: string; body?: string; credential?: string },
): Promise<{ status: number; body: T }> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        agent,
        method: init.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...(init.credential ? { authorization: `Bearer ${init.credential}` } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(text) as T }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(init.body);
  });
}

interface DesiredState {
  revision: string;
  action: { kind: string };
}

/** One agent: enroll (held until registered), then long-poll until the install plan; resolves with the time it has it. */
async function runAgent(base: string, enrollmentToken: string, i: number): Promise<number> {
  const serial = serialOf(i);
  const agent = new Agent({ keepAlive: true, localAddress: `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}` });
  let credential: string | null = null;
  while (credential === null) {
    const enrolled = await call<{ credential?: string }>(agent, `${base}/api/v1/agent/enroll`, {
      method: 'POST',
      body: JSON.stringify({ enrollmentToken, serial, waitSeconds: 60 }),
    });
    if (enrolled.status === 200) credential = enrolled.body.credential!;
    else if (enrolled.status !== 404) throw new Error(`enroll of ${serial} answered ${enrolled.status}`);
  }
  let revision: string | null = null;
  let reported = false;
  for (;;) {
    const query: string = `waitSeconds=25${revision ? `&revision=${encodeURIComponent(revision)}` : ''}`;
    const { status, body } = await call<DesiredState>(agent, `${base}/api/v1/agent/desired-state?${query}`, { credential });
    if (status !== 200) throw new Error(`desired state of ${serial} answered ${status}`);
    if (body.action.kind === 'install') {
      agent.destroy();
      return performance.now();
    }
    revision = body.revision;
    if (body.action.kind === 'wait' && !reported) {
      reported = true;
      const ack = await call(agent, `${base}/api/v1/agent/report`, {
        method: 'POST',
        credential,
        body: JSON.stringify({ manifest: { image: { name: PROFILE, version: '1' }, kubernetes: null }, cluster: null }),
      });
      if (ack.status !== 200) throw new Error(`report of ${serial} answered ${ack.status}: ${JSON.stringify(ack.body)}`);
    }
  }
}

const P = '/api/v1/projects/default';

/** The job alone: request → finished, seconds. */
async function baseline(): Promise<number> {
  const server = await startFresh();
  try {
    const started = performance.now();
    const job = await server.request<{ id: string }>('POST', `${P}/registrations?wait=0`, jobBody);
    for (;;) {
      const now = await server.request<{ status: string }>('GET', `${P}/registrations/${job.id}`);
      if (now.status === 'succeeded') return (performance.now() - started) / 1000;
      if (now.status === 'failed') throw new Error('the baseline job failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await server.stop();
  }
}

/** The job with every agent waiting: request → install plan, seconds per agent. */
async function withAgents(): Promise<number[]> {
  const server = await startFresh();
  try {
    const token = await server.request<{ token: string }>('POST', `${P}/enrollment-tokens`, { name: 'bench' });
    const agents = Array.from({ length: AGENTS }, (_, i) => runAgent(server.process.url, token.token, i));
    // Let every agent's enrollment reach the server and wait there.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const started = performance.now();
    await server.request('POST', `${P}/registrations?wait=0`, jobBody);
    return (await Promise.all(agents)).map((at) => (at - started) / 1000);
  } finally {
    await server.stop();
  }
}

const alone = await baseline();
const latencies = await withAgents();
const p50 = quantile(latencies, 0.5);
const p95 = quantile(latencies, 0.95);
console.log(`${AGENTS} agents waiting, their hosts registered with auto-cluster in one job (${values.database ? 'PostgreSQL' : 'SQLite'})`);
console.log(`the same job without agents (baseline): ${alone.toFixed(2)} s`);
console.log(
  `request → install plan: p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${Math.max(...latencies).toFixed(2)} s (goal p95 ≤ ${GOAL_P95_S} s)`,
);
printFigures('agents-install-plan', [
  {
    name: `${AGENTS} agents: request → install plan, p95`,
    value: p95,
    unit: 's',
    baseline: alone,
    ratio: p95 / alone,
    goal: `<= ${GOAL_P95_S} s`,
    met: p95 <= GOAL_P95_S,
  },
]);
