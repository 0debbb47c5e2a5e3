/**
 * Does a big registration job starve the API? The same N-host job with auto-provision and auto-cluster runs twice
 * on fresh servers: once alone (baseline) and once while a client GETs its job document every 100 ms. Compared:
 * the job's duration with and without the API load, and the GET latency during the job against the same GETs on
 * the idle server before it (SQLite's driver is synchronous, so a worker that never yields would hold every
 * request until the job ends). Reports its figures in the shared format (report.ts).
 *
 *   node bench/api-latency-during-registration.bench.ts [--hosts N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { osProfileFiles, readFormat } from '../test/support/formats.ts';
import { percentile, reportResults } from './report.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '5000' }, quick: { type: 'boolean', default: false } } });
const HOSTS = values.quick ? 300 : Number(values.hosts);
const PROJECT = '/api/v1/projects/default';
const jobBody = (prefix: string) => ({
  defaults: { autoProvision: true, autoCluster: true, osProfile: 'microvisor-nonrt', template: 'baseline-k3s:v0.0.4' },
  hosts: Array.from({ length: HOSTS }, (_, i) => ({ serial: `${prefix}-${i}` })),
});

interface Run {
  jobSeconds: number;
  postMs: number;
  idle: number[];
  busy: number[];
}

/** One job on a fresh server; with `load`, GETs of its job document every 100 ms while it runs. */
async function runJob(load: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-orch-latency-'));
  const server = await startServer(loadServerConfig({ dataDir: dir, port: 0, logLevel: 'silent', insecureHttp: true }, {}));
  const headers = { authorization: `Bearer ${readFileSync(server.adminTokenFile!, 'utf8').trim()}`, 'content-type': 'application/json' };
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${PROJECT}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  try {
    for (const file of osProfileFiles()) await send('POST', '/osprofiles/import', { document: readFormat(file) });
    await send('POST', '/templates', JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')));
    const timedGet = async (id: string): Promise<{ ms: number; status: string }> => {
      const started = performance.now();
      const job = (await (await send('GET', `/registrations/${id}`)).json()) as { status: string };
      return { ms: performance.now() - started, status: job.status };
    };
    const started = performance.now();
    const job = (await (await send('POST', '/registrations?wait=0', jobBody(load ? 'BUSY' : 'ALONE'))).json()) as { id: string };
    const postMs = performance.now() - started;
    const idle: number[] = [];
    const busy: number[] = [];
    for (;;) {
      const { ms, status } = await timedGet(job.id);
      if (status === 'succeeded' || status === 'failed') break;
      if (load) busy.push(ms);
      await new Promise((resolve) => setTimeout(resolve, load ? 100 : 20));
    }
    const jobSeconds = (performance.now() - started) / 1000;
    if (load) for (let i = 0; i < 50; i++) idle.push((await timedGet(job.id)).ms);
    return { jobSeconds, postMs, idle, busy };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const alone = await runJob(false);
const loaded = await runJob(true);
const idleP50 = percentile(loaded.idle, 50);
const idleMax = Math.max(...loaded.idle);
const busyP50 = percentile(loaded.busy, 50);
const busyMax = Math.max(...loaded.busy);
console.log(`${HOSTS}-host job with auto-provision + auto-cluster (SQLite, node ${process.version})`);
console.log(
  `job alone (baseline): ${alone.jobSeconds.toFixed(1)} s; the same job under GETs every 100 ms: ${loaded.jobSeconds.toFixed(1)} s`,
);
console.log('GET of the job document   GETs  median (ms)  max (ms)');
console.log(
  `idle server (baseline)  ${String(loaded.idle.length).padStart(6)}  ${idleP50.toFixed(1).padStart(11)}  ${idleMax.toFixed(1).padStart(8)}`,
);
console.log(
  `during the job          ${String(loaded.busy.length).padStart(6)}  ${busyP50.toFixed(1).padStart(11)}  ${busyMax.toFixed(1).padStart(8)}`,
);
console.log(
  `POST answered in ${loaded.postMs.toFixed(0)} ms (alone: ${alone.postMs.toFixed(0)} ms); ${loaded.busy.length} GETs answered while the job ran`,
);
reportResults([
  {
    name: `${HOSTS}-host job duration under API load`,
    figure: loaded.jobSeconds,
    unit: 's',
    baseline: alone.jobSeconds,
    ratio: loaded.jobSeconds / alone.jobSeconds,
    goal: null,
    met: null,
  },
  {
    name: 'GET job during the job, median',
    figure: busyP50,
    unit: 'ms',
    baseline: idleP50,
    ratio: busyP50 / idleP50,
    goal: null,
    met: null,
  },
  {
    name: 'GET job during the job, max',
    figure: busyMax,
    unit: 'ms',
    baseline: idleMax,
    ratio: busyMax / idleMax,
    goal: null,
    met: null,
  },
]);
