/**
 * Does a big registration job starve the API? GET latency of a job document while a registration job of N hosts
 * runs in the same server, against the same GETs on an idle server measured in the same run (SQLite: its driver
 * is synchronous, so a worker that never yields would hold every request until the job ends).
 *
 *   node bench/api-latency-during-registration.bench.ts [--hosts N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '5000' } } });
const HOSTS = Number(values.hosts);

const dir = mkdtempSync(join(tmpdir(), 'edge-orch-latency-'));
const server = await startServer(loadServerConfig({ dataDir: dir, port: 0, logLevel: 'silent' }, {}));
const headers = { authorization: `Bearer ${readFileSync(server.adminTokenFile!, 'utf8').trim()}`, 'content-type': 'application/json' };
const base = `${server.url}/api/v1/projects/default/registrations`;

async function createJob(prefix: string, hosts: number): Promise<string> {
  const body = { hosts: Array.from({ length: hosts }, (_, i) => ({ serial: `${prefix}-${i}` })) };
  const res = await fetch(`${base}?wait=0`, { method: 'POST', headers, body: JSON.stringify(body) });
  return ((await res.json()) as { id: string }).id;
}

/** Times one GET of the job; returns the latency and the job's status. */
async function timedGet(id: string): Promise<{ ms: number; status: string }> {
  const started = performance.now();
  const job = (await (await fetch(`${base}/${id}`, { headers })).json()) as { status: string };
  return { ms: performance.now() - started, status: job.status };
}

const summarize = (xs: number[]): { median: number; max: number } => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};

try {
  // Baseline: a finished one-host job, polled on an idle server.
  const small = await createJob('IDLE', 1);
  while ((await timedGet(small)).status !== 'succeeded');
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) idle.push((await timedGet(small)).ms);

  const started = performance.now();
  const big = await createJob('BUSY', HOSTS);
  const createdMs = performance.now() - started;
  const busy: number[] = [];
  let answeredWhileRunning = 0;
  for (;;) {
    const { ms, status } = await timedGet(big);
    busy.push(ms);
    if (status === 'succeeded' || status === 'failed') break;
    answeredWhileRunning++;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const jobSeconds = (performance.now() - started) / 1000;
  const a = summarize(idle);
  const b = summarize(busy);
  console.log(
    `GET of a registration job (SQLite, node ${process.version}); the busy run polls a ${HOSTS}-host job that took ${jobSeconds.toFixed(1)} s`,
  );
  console.log('server            GETs  median (ms)  max (ms)');
  console.log(`idle (baseline)  ${String(idle.length).padStart(5)}  ${a.median.toFixed(1).padStart(11)}  ${a.max.toFixed(1).padStart(8)}`);
  console.log(`during the job   ${String(busy.length).padStart(5)}  ${b.median.toFixed(1).padStart(11)}  ${b.max.toFixed(1).padStart(8)}`);
  console.log(`ratio: median ${(b.median / a.median).toFixed(1)}x, max ${(b.max / a.max).toFixed(1)}x`);
  // A starved API answers nothing until the job ends: the POST itself is late and no GET sees the job running.
  console.log(`POST answered in ${createdMs.toFixed(0)} ms; ${answeredWhileRunning} GETs answered while the job ran`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
