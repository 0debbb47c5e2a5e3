/**
 * Does one dry-run registration stall the API? While a dry run of N hosts is checked, a second client sends a
 * GET every 20 ms; its worst latency is the longest time the dry run held every other request. Baseline: the
 * same GETs on the idle server, in the same run. Goal: no stall beyond 200 ms (a fraction of a second). Also
 * prints the process's peak heap and RSS during the dry run against the idle server's (client and server share
 * the process, so both include the client's request body). Reports its figures in the shared format (report.ts).
 *
 *   node bench/dry-run-stall.bench.ts [--hosts N] [--quick]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { reportResults } from './report.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '50000' }, quick: { type: 'boolean', default: false } } });
const HOSTS = values.quick ? 500 : Number(values.hosts);

const dir = mkdtempSync(join(tmpdir(), 'edge-orch-stall-'));
const server = await startServer(loadServerConfig({ dataDir: dir, port: 0, logLevel: 'silent', insecureHttp: true }, {}));
const headers = { authorization: `Bearer ${readFileSync(server.adminTokenFile!, 'utf8').trim()}`, 'content-type': 'application/json' };
const base = `${server.url}/api/v1/projects/default`;

async function timedGet(): Promise<number> {
  const started = performance.now();
  await (await fetch(`${base}/hosts?limit=1`, { headers })).arrayBuffer();
  return performance.now() - started;
}

/** GETs every 20 ms until `done` settles; returns each latency. */
async function pollUntil(done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const latencies: number[] = [];
  while (!finished) {
    latencies.push(await timedGet());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

const summarize = (xs: number[]): { median: number; max: number } => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};

try {
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) idle.push(await timedGet());
  const idleMemory = process.memoryUsage();

  const body = JSON.stringify({
    dryRun: true,
    hosts: Array.from({ length: HOSTS }, (_, i) => ({ name: `stall-${i}`, serial: `STALL-${i}` })),
  });
  const started = performance.now();
  const dryRun = fetch(`${base}/registrations`, { method: 'POST', headers, body }).then(async (res) => {
    const answer = (await res.json()) as { totals?: { hosts: number } };
    if (res.status !== 200 || answer.totals?.hosts !== HOSTS) throw new Error(`dry run answered ${res.status}`);
  });
  const peak = { heap: 0, rss: 0 };
  const sampler = setInterval(() => {
    const { heapUsed, rss } = process.memoryUsage();
    peak.heap = Math.max(peak.heap, heapUsed);
    peak.rss = Math.max(peak.rss, rss);
  }, 20);
  const busy = await pollUntil(dryRun);
  clearInterval(sampler);
  await dryRun;
  const dryRunSeconds = (performance.now() - started) / 1000;

  const a = summarize(idle);
  const b = summarize(busy);
  console.log(`GET of one host page (SQLite, node ${process.version}) while a ${HOSTS}-host dry run took ${dryRunSeconds.toFixed(1)} s`);
  console.log('server               GETs  median (ms)  max (ms)');
  console.log(
    `idle (baseline)     ${String(idle.length).padStart(5)}  ${a.median.toFixed(1).padStart(11)}  ${a.max.toFixed(1).padStart(8)}`,
  );
  console.log(
    `during the dry run  ${String(busy.length).padStart(5)}  ${b.median.toFixed(1).padStart(11)}  ${b.max.toFixed(1).padStart(8)}`,
  );
  console.log(`longest stall: ${b.max.toFixed(0)} ms (idle max ${a.max.toFixed(0)} ms)`);
  const mb = (bytes: number): number => bytes / 1024 / 1024;
  console.log(
    `peak heap ${mb(peak.heap).toFixed(0)} MB, peak RSS ${mb(peak.rss).toFixed(0)} MB (idle: heap ${mb(idleMemory.heapUsed).toFixed(0)} MB, RSS ${mb(idleMemory.rss).toFixed(0)} MB)`,
  );
  reportResults([
    {
      name: `longest GET during a ${HOSTS}-host dry run`,
      figure: b.max,
      unit: 'ms',
      baseline: a.max,
      ratio: b.max / a.max,
      goal: '<= 200 ms',
      met: b.max <= 200,
    },
    {
      name: `${HOSTS}-host dry run, end to end`,
      figure: dryRunSeconds,
      unit: 's',
      baseline: null,
      ratio: null,
      goal: null,
      met: null,
    },
    {
      name: 'peak heap during the dry run',
      figure: mb(peak.heap),
      unit: 'MB',
      baseline: mb(idleMemory.heapUsed),
      ratio: peak.heap / idleMemory.heapUsed,
      goal: null,
      met: null,
    },
    {
      name: 'peak RSS during the dry run',
      figure: mb(peak.rss),
      unit: 'MB',
      baseline: mb(idleMemory.rss),
      ratio: peak.rss / idleMemory.rss,
      goal: null,
      met: null,
    },
  ]);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
