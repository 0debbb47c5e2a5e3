/**
 * 1,000 agents waiting while their hosts are registered with auto-provision and auto-cluster in one job: how long
 * from the registration request until each agent holds its install plan. Each simulated agent talks HTTP to a
 * server process (simulated-agent.ts): it holds an enrollment until its host is registered, long-polls its desired
 * state, reports its OS image when asked to wait for it, and stops at the install plan. Baseline, same run: the
 * same job on a fresh server with no agent connected (request → job finished). Goal: p95 ≤ 2 s.
 * The server's CPU time per agent (request → last install plan) is reported next to the job's alone per host: on a
 * loaded machine the latency follows the load, the CPU time much less. The agents' own CPU time is printed too,
 * to show the bench process is not what the agents wait for. A CPU profile of the server:
 * `NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR' node bench/agents-install-plan.bench.ts` (one file per process).
 *
 *   node bench/agents-install-plan.bench.ts [--agents N] [--database postgres://…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
import { percentile, reportResults } from './report.ts';
import { cpuMs } from './serve-process.ts';
import { runSimulatedAgent } from './simulated-agent.ts';

const { values } = parseArgs({
  options: { agents: { type: 'string', default: '1000' }, database: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const AGENTS = values.quick ? 100 : Number(values.agents);
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

const P = '/api/v1/projects/default';

interface Measured {
  /** Seconds: request → finished (the job alone), or request → install plan, per agent. */
  seconds: number[];
  /** Server CPU time over the same span, ms. */
  serverCpuMs: number;
}

/** The job alone: request → finished. */
async function baseline(): Promise<Measured> {
  const server = await startFresh();
  try {
    const pid = server.process.child.pid!;
    const cpuBefore = await cpuMs(pid);
    const started = performance.now();
    const job = await server.request<{ id: string }>('POST', `${P}/registrations?wait=0`, jobBody);
    for (;;) {
      const now = await server.request<{ status: string }>('GET', `${P}/registrations/${job.id}`);
      if (now.status === 'succeeded')
        return { seconds: [(performance.now() - started) / 1000], serverCpuMs: (await cpuMs(pid)) - cpuBefore };
      if (now.status === 'failed') throw new Error('the baseline job failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await server.stop();
  }
}

/** The job with every agent waiting: request → install plan, per agent. */
async function withAgents(): Promise<Measured> {
  const server = await startFresh();
  try {
    const token = await server.request<{ token: string }>('POST', `${P}/enrollment-tokens`, { name: 'bench' });
    const stop = new AbortController();
    const agents = Array.from({ length: AGENTS }, (_, i) =>
      runSimulatedAgent(() => server.process.url, token.token, serialOf(i), i, stop.signal, true),
    );
    // Let every agent's enrollment reach the server and wait there.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const pid = server.process.child.pid!;
    const cpuBefore = await cpuMs(pid);
    const started = performance.now();
    await server.request('POST', `${P}/registrations?wait=0`, jobBody);
    const records = await Promise.all(agents);
    const serverCpuMs = (await cpuMs(pid)) - cpuBefore;
    return { seconds: records.map((agent) => (agent.installPlanAt! - started) / 1000), serverCpuMs };
  } finally {
    await server.stop();
  }
}

const benchCpuBefore = process.cpuUsage();
const jobAlone = await baseline();
const alone = jobAlone.seconds[0]!;
const measured = await withAgents();
const latencies = measured.seconds;
const benchCpu = process.cpuUsage(benchCpuBefore);
const cpuPerAgent = measured.serverCpuMs / AGENTS;
const cpuPerHostAlone = jobAlone.serverCpuMs / AGENTS;
const p50 = percentile(latencies, 50);
const p95 = percentile(latencies, 95);
console.log(`${AGENTS} agents waiting, their hosts registered with auto-cluster in one job (${values.database ? 'PostgreSQL' : 'SQLite'})`);
console.log(`the same job without agents (baseline): ${alone.toFixed(2)} s`);
console.log(
  `request → install plan: p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${Math.max(...latencies).toFixed(2)} s (goal p95 ≤ ${GOAL_P95_S} s)`,
);
console.log(
  `server CPU: ${cpuPerAgent.toFixed(2)} ms per agent (the job alone: ${cpuPerHostAlone.toFixed(2)} ms per host); the bench process with its agents used ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s of CPU in all`,
);
reportResults([
  {
    name: `${AGENTS} agents: request → install plan, p95`,
    figure: p95,
    unit: 's',
    baseline: alone,
    ratio: p95 / alone,
    goal: `<= ${GOAL_P95_S} s`,
    met: p95 <= GOAL_P95_S,
  },
  {
    name: `${AGENTS} agents: server CPU per agent, request → install plan`,
    figure: cpuPerAgent,
    unit: 'ms',
    baseline: cpuPerHostAlone,
    ratio: cpuPerAgent / cpuPerHostAlone,
    goal: null,
    met: null,
  },
]);
