/**
 * Reliability under load: the server (`edge-orch serve`, a child process) is killed with SIGKILL at random points
 * and started again on the same data and port, and the script checks that nothing acknowledged was lost, nothing
 * was duplicated and every piece of work finished, on SQLite and PostgreSQL:
 *   1. a registration of N hosts with auto-provision and auto-cluster, killed 10 times while it runs: at the end the
 *      job succeeded, and there is exactly one host, instance and cluster per requested host;
 *   2. M simulated agents (simulated-agent.ts) connected, the server killed once while they install: every agent
 *      installed once (no host installs twice) and every cluster reaches ready;
 *   3. the deletion of those M clusters, killed 10 times while the agents remove them: every deletion the server
 *      acknowledged finishes, and no cluster is left.
 * Prints the counts and reports its figures in the shared format (report.ts).
 *
 *   node bench/kill-restart.bench.ts [--quick] [--engine sqlite|postgres]
 *     full: 10,000 hosts and 1,000 agents/clusters; --quick: 1,000 hosts and 100 agents/clusters
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { osProfileFiles, readFormat } from '../test/support/formats.ts';
import { createDatabase, startPostgres } from '../test/support/postgres.ts';
import { reportResults, type BenchResult } from './report.ts';
import { runSimulatedAgent, type AgentRecord } from './simulated-agent.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, engine: { type: 'string' } } });
const HOSTS = values.quick ? 1_000 : 10_000;
const AGENTS = values.quick ? 100 : 1_000;
const KILLS = 10;
const MAIN = resolve(import.meta.dirname, '../src/main.ts');
const P = '/api/v1/projects/default';

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const serialOf = (i: number): string => `KILL-${String(i).padStart(6, '0')}`;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

/** `edge-orch serve` on a fixed port and data directory, killed and started again as the bench says. */
class ServeProcess {
  child: ChildProcess | null = null;
  readonly url: string;
  readonly #dataDir: string;
  readonly #port: number;
  readonly #database: string | null;
  constructor(dataDir: string, port: number, database: string | null) {
    this.#dataDir = dataDir;
    this.#port = port;
    this.#database = database;
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const args = [MAIN, 'serve', '--insecure-http', '--data-dir', this.#dataDir, '--port', String(this.#port), '--log-level', 'warn'];
    const child = spawn(process.execPath, [...args, ...(this.#database ? ['--database', this.#database] : [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((done, fail) => {
      let text = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        text = (text + chunk.toString()).slice(-4000);
        if (text.includes('listening on')) done();
      });
      child.once('exit', (code) => fail(new Error(`edge-orch serve exited with ${code}: ${text}`)));
    });
  }

  async kill(): Promise<void> {
    const child = this.child!;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

/** The admin's JSON calls; a call the dead server cannot answer is tried again until it is answered. */
function adminClient(server: ServeProcess, token: string) {
  return async function call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    for (;;) {
      try {
        const res = await fetch(`${server.url}${P}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
      } catch {
        await pause(200);
      }
    }
  };
}

async function allPages<T>(call: ReturnType<typeof adminClient>, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: T[]; nextCursor: string | null } } = await call(
      'GET',
      `${path}?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** Kills the server when `reached(k)` first holds for the k-th kill, then starts it again; `KILLS` times. */
async function killWhile(server: ServeProcess, kills: number, reached: (k: number) => Promise<boolean>): Promise<number> {
  let done = 0;
  for (let k = 0; k < kills; k++) {
    while (!(await reached(k))) await pause(50);
    await pause(Math.random() * 200);
    await server.kill();
    done += 1;
    await server.start();
  }
  return done;
}

interface EngineRun {
  name: string;
  figures: BenchResult[];
}

async function runEngine(name: string, database: string | null): Promise<EngineRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `edge-orch-kill-${name}-`));
  const server = new ServeProcess(dataDir, await freePort(), database);
  const stop = new AbortController();
  try {
    await server.start();
    const call = adminClient(server, readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
    for (const file of osProfileFiles()) await call('POST', '/osprofiles/import', { document: readFormat(file) });
    await call('POST', '/templates', JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')));

    // 1. Registration under SIGKILL.
    const began = performance.now();
    const job = await call<{ id: string }>('POST', '/registrations?wait=0', {
      defaults: { autoProvision: true, autoCluster: true, osProfile: 'microvisor-nonrt', template: 'baseline-k3s:v0.0.4' },
      hosts: Array.from({ length: HOSTS }, (_, i) => ({ serial: serialOf(i) })),
    });
    if (job.status !== 202) throw new Error(`the registration answered ${job.status}`);
    const totals = async () =>
      (await call<{ status: string; totals: { succeeded: number; failed: number } }>('GET', `/registrations/${job.body.id}`)).body;
    const registrationKills = await killWhile(
      server,
      KILLS,
      async (k) => (await totals()).totals.succeeded >= Math.floor(((k + Math.random()) / (KILLS + 1)) * HOSTS),
    );
    let final = await totals();
    while (final.status !== 'succeeded' && final.status !== 'failed') {
      await pause(200);
      final = await totals();
    }
    const registrationSeconds = (performance.now() - began) / 1000;
    const hosts = (await allPages<{ id: string; serial: string | null }>(call, '/hosts')).filter((h) => h.serial?.startsWith('KILL-'));
    const hostIds = new Set(hosts.map((h) => h.id));
    const instances = (await allPages<{ hostId: string }>(call, '/instances')).filter((i) => hostIds.has(i.hostId));
    const clusters = (await allPages<{ name: string; nodes: { hostId: string }[] }>(call, '/clusters')).filter((c) =>
      hostIds.has(c.nodes[0]?.hostId ?? ''),
    );
    const counts = {
      hosts: hosts.length,
      distinctSerials: new Set(hosts.map((h) => h.serial)).size,
      instances: instances.length,
      distinctInstanceHosts: new Set(instances.map((i) => i.hostId)).size,
      clusters: clusters.length,
      distinctClusterHosts: new Set(clusters.map((c) => c.nodes[0]!.hostId)).size,
    };
    const registrationOk = final.status === 'succeeded' && Object.values(counts).every((n) => n === HOSTS);
    console.log(
      `[${name}] registration of ${HOSTS} hosts, ${registrationKills} SIGKILLs: job ${final.status} in ${registrationSeconds.toFixed(1)} s; ` +
        `hosts ${counts.hosts} (distinct ${counts.distinctSerials}), instances ${counts.instances} (distinct hosts ${counts.distinctInstanceHosts}), ` +
        `clusters ${counts.clusters} (distinct hosts ${counts.distinctClusterHosts})`,
    );

    // 2. Agents connected through a restart: each installs once, every cluster reaches ready.
    const token = (await call<{ token: string }>('POST', '/enrollment-tokens', { name: 'kill-bench' })).body.token;
    const agentRecords: Promise<AgentRecord>[] = Array.from({ length: AGENTS }, (_, i) =>
      runSimulatedAgent(() => server.url, token, serialOf(i), i, stop.signal),
    );
    const ours = new Set(
      clusters.filter((c) => hosts.find((h) => h.id === c.nodes[0]!.hostId)!.serial! < serialOf(AGENTS)).map((c) => c.name),
    );
    const readyCount = async () =>
      (await allPages<{ name: string; phase: string }>(call, '/clusters')).filter((c) => ours.has(c.name) && c.phase === 'ready').length;
    const agentKills = await killWhile(server, 1, async () => (await readyCount()) >= AGENTS / 2);
    while ((await readyCount()) < AGENTS) await pause(500);

    // 3. Deleting the agents' clusters under SIGKILL.
    const acknowledged = new Set<string>();
    const names = [...ours];
    const deleting = (async () => {
      for (const clusterName of names) {
        const res = await call('DELETE', `/clusters/${clusterName}`);
        if (res.status === 202 || res.status === 204 || res.status === 404) acknowledged.add(clusterName);
      }
    })();
    const left = async () => (await allPages<{ name: string }>(call, '/clusters')).filter((c) => ours.has(c.name)).length;
    const deletionKills = await killWhile(
      server,
      KILLS,
      async (k) => acknowledged.size >= Math.floor(((k + Math.random()) / (KILLS + 1)) * AGENTS),
    );
    await deleting;
    while ((await left()) > 0) await pause(500);
    stop.abort();
    const records = await Promise.all(agentRecords);
    const installedTwice = records.filter((r) => r.installs > 1).length;
    const lostEnrollments = records.filter((r) => r.lostEnrollment).length;
    console.log(
      `[${name}] ${AGENTS} agents through ${agentKills} SIGKILL: ${records.filter((r) => r.installs === 1).length} installed once, ${installedTwice} installed twice, ` +
        `${lostEnrollments} enrollments lost; all ${AGENTS} clusters reached ready`,
    );
    console.log(
      `[${name}] deletion of ${AGENTS} clusters, ${deletionKills} SIGKILLs: ${acknowledged.size} acknowledged, ${await left()} left`,
    );
    const met = (ok: boolean, value: number, unit: string, what: string): BenchResult => ({
      name: `${name}: ${what}`,
      figure: value,
      unit,
      baseline: null,
      ratio: null,
      goal: 'exactly as requested',
      met: ok,
    });
    return {
      name,
      figures: [
        met(registrationOk, counts.hosts, 'hosts', `${HOSTS}-host registration after ${registrationKills} SIGKILLs, hosts exactly once`),
        met(
          installedTwice === 0 && lostEnrollments === 0,
          installedTwice,
          'hosts',
          `${AGENTS} agents through a SIGKILL, hosts installed twice`,
        ),
        met(
          acknowledged.size === AGENTS && (await left()) === 0,
          AGENTS - acknowledged.size,
          'clusters',
          `deletion of ${AGENTS} clusters after ${deletionKills} SIGKILLs, not deleted`,
        ),
      ],
    };
  } finally {
    stop.abort();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const figures: BenchResult[] = [];
if (values.engine !== 'postgres') figures.push(...(await runEngine('sqlite', null)).figures);
if (values.engine !== 'sqlite') {
  const pg = await startPostgres();
  try {
    figures.push(...(await runEngine('postgres', await createDatabase(pg.url, 'edge_orch_kill'))).figures);
  } finally {
    pg.stop();
  }
}
reportResults(figures);
