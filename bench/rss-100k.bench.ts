/**
 * Resident memory of a server holding 100,000 hosts and 100,000 clusters (each with one node) while it serves:
 * every page of hosts and of clusters is read (100 a page), then each of 2,000 hosts by name, from 16 connections.
 * The rows are written straight into the SQLite file before the server starts (how they were registered is the
 * registration benchmarks' matter); the baseline is the same server with an empty database, in the same run.
 * Goal (issue 14): ≤ 500 MB while serving. The peak is sampled every 50 ms from /proc.
 *
 *   node bench/rss-100k.bench.ts [--rows N] [--quick]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createId } from '../src/store/create-id.ts';
import { reportResults } from './report.ts';
import { residentMb, startServe, type ServeProcess } from './serve-process.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, quick: { type: 'boolean', default: false } } });
const ROWS = values.quick ? 1000 : Number(values.rows);
const CONNECTIONS = 16;

/** Writes ROWS hosts and ROWS one-node clusters into the database the server created. */
function seed(file: string): void {
  const db = new Database(file);
  const now = new Date().toISOString();
  const host = db.prepare(
    `insert into hosts (id, project, name, uuid, serial, site, labels, state, auto_onboard, created_at, updated_at)
     values (?, 'default', ?, null, ?, ?, ?, 'provisioned', null, ?, ?)`,
  );
  const cluster = db.prepare(
    `insert into clusters (id, project, name, template_name, template_version, os_profile, phase, doc, kubeconfig, created_at, updated_at)
     values (?, 'default', ?, 'baseline-k3s', 'v0.0.4', 'microvisor-nonrt', 'ready', ?, null, ?, ?)`,
  );
  const node = db.prepare(`insert into cluster_nodes (project, host_id, cluster_id, role, position) values ('default', ?, ?, 'all', 0)`);
  const doc = (i: number): string =>
    JSON.stringify({
      flavor: 'k3s',
      kubernetesVersion: 'v1.32.4+k3s1',
      airGapped: true,
      airGappedOverride: null,
      driver: 'agent',
      message: '',
      labels: { site: `store-${i % 500}` },
      autoCreated: true,
      deletionPolicy: 'delete',
    });
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const hostId = createId();
      host.run(hostId, `host-${i}`, `SN-${i}`, `store-${i % 500}`, JSON.stringify({ rack: `r${i % 20}` }), now, now);
      const clusterId = createId();
      cluster.run(clusterId, `cluster-${i}`, doc(i), now, now);
      node.run(hostId, clusterId);
    }
  })();
  db.close();
}

/** Reads every page of `path` and then `names` one by one, from CONNECTIONS connections; returns the requests sent. */
async function serve(server: ServeProcess, names: readonly string[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const headers = { authorization: `Bearer ${readFileSync(server.tokenFile, 'utf8').trim()}` };
  const base = `${server.url}/api/v1/projects/default`;
  const get = (url: string): Promise<string> =>
    new Promise((done, fail) => {
      http
        .get(url, { agent, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => (res.statusCode === 200 ? done(body) : fail(new Error(`GET ${url} answered ${res.statusCode}: ${body}`))));
        })
        .on('error', fail);
    });
  let requests = 0;
  for (const list of ['hosts', 'clusters']) {
    let cursor: string | null = null;
    do {
      const page = JSON.parse(await get(`${base}/${list}?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as { nextCursor: string | null };
      requests++;
      cursor = page.nextCursor;
    } while (cursor);
  }
  const queue = [...names];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        await get(`${base}/hosts/${name}`);
        requests++;
      }
    }),
  );
  agent.destroy();
  return requests;
}

/** The server's peak RSS while `work` runs. */
async function peakDuring(server: ServeProcess, work: () => Promise<unknown>): Promise<number> {
  let peak = await residentMb(server.child.pid!);
  const sampler = setInterval(() => void residentMb(server.child.pid!).then((mb) => (peak = Math.max(peak, mb))), 50);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, await residentMb(server.child.pid!));
}

const dir = mkdtempSync(join(tmpdir(), 'edge-orch-rss-'));
const names = Array.from({ length: Math.min(2000, ROWS) }, (_, i) => `host-${Math.floor((i * ROWS) / 2000)}`);
try {
  const empty = await startServe(join(dir, 'empty'), ['--log-level', 'warn']);
  const baseline = await peakDuring(empty, () => serve(empty, []));
  await empty.stop();

  const created = await startServe(join(dir, 'data'), ['--log-level', 'warn']);
  await created.stop();
  const seedStarted = performance.now();
  seed(join(dir, 'data', 'edge-orch.sqlite'));
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const server = await startServe(join(dir, 'data'), ['--log-level', 'warn']);
  const afterStart = await residentMb(server.child.pid!);
  let requests = 0;
  const peak = await peakDuring(server, async () => (requests = await serve(server, names)));
  await server.stop();

  console.log(
    `RSS of edge-orch serve with ${ROWS} hosts and ${ROWS} clusters (SQLite, node ${process.version}; rows written in ${seedSeconds.toFixed(1)} s)`,
  );
  console.log(`empty server while serving (baseline): ${baseline.toFixed(0)} MB`);
  console.log(`loaded server after start: ${afterStart.toFixed(0)} MB; peak while serving ${requests} requests: ${peak.toFixed(0)} MB`);
  reportResults([
    {
      name: `RSS while serving ${ROWS} hosts + ${ROWS} clusters`,
      figure: peak,
      unit: 'MB',
      baseline,
      ratio: peak / baseline,
      goal: '≤ 500 MB',
      met: peak <= 500,
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
