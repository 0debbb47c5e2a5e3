/**
 * The API's hot path under load: GET one host and GET a 100-host page, each from 64 keep-alive connections, against
 * a bare Node.js http server sending the same bytes (the baseline, measured in the same run with the same client).
 * Goals (issue 14): p99 ≤ 10 ms, and at least 0.4 of the bare server's requests per second. The server runs as
 * `edge-orch serve` (SQLite, log level info, its defaults) in its own process. The server's CPU time per request
 * is printed too: on a machine busy with other work it shows what the wall-clock figures cannot (its ratio is
 * bare CPU / edge-orch CPU, the share of the bare server's throughput an idle machine would give).
 *
 *   node bench/api-hot-path.bench.ts [--seconds N] [--connections N] [--quick]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, reportResults, type BenchResult } from './report.ts';
import { cpuMs, startServe } from './serve-process.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    quick: { type: 'boolean', default: false },
  },
});
const SECONDS = values.quick ? 0.5 : Number(values.seconds);
const CONNECTIONS = Number(values.connections);

interface Load {
  requestsPerSecond: number;
  p99: number;
  /** The server's CPU time per request: what its throughput would be on an idle machine, whatever else runs. */
  cpuMsPerRequest: number;
}

/** CONNECTIONS loops, each sending the next GET when the previous answer is read, for SECONDS. */
async function load(url: string, headers: Record<string, string>, pid: number): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const get = (): Promise<void> =>
    new Promise((done, fail) => {
      const started = performance.now();
      http
        .get(url, { agent, headers }, (res) => {
          if (res.statusCode !== 200) fail(new Error(`GET ${url} answered ${res.statusCode}`));
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            done();
          });
        })
        .on('error', fail);
    });
  const loop = async (): Promise<void> => {
    while (performance.now() < until) await get();
  };
  const started = performance.now();
  const cpuBefore = await cpuMs(pid);
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const seconds = (performance.now() - started) / 1000;
  const cpu = (await cpuMs(pid)) - cpuBefore;
  agent.destroy();
  return { requestsPerSecond: latencies.length / seconds, p99: percentile(latencies, 99), cpuMsPerRequest: cpu / latencies.length };
}

/** A bare Node.js server answering every request with these bytes, in its own process; resolves with its URL. */
async function startBare(body: string): Promise<{ url: string; pid: number; stop(): void }> {
  const code = `
    const body = Buffer.from(process.env.BODY);
    require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { env: { ...process.env, BODY: body }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${port.toString().trim()}`, pid: child.pid!, stop: () => child.kill() };
}

const dir = mkdtempSync(join(tmpdir(), 'edge-orch-hot-path-'));
const server = await startServe(join(dir, 'data'), ['--log-level', 'info']);
const results: BenchResult[] = [];
try {
  const headers = { authorization: `Bearer ${readFileSync(server.tokenFile, 'utf8').trim()}`, 'content-type': 'application/json' };
  const base = `${server.url}/api/v1/projects/default/hosts`;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(base, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `hot-${i}`, serial: `HOT-${i}`, labels: { rack: `r${i % 4}` } }),
    });
    if (res.status !== 201) throw new Error(`registering host ${i} answered ${res.status}: ${await res.text()}`);
  }
  const cases = [
    { name: 'GET one host', path: `${base}/hot-50` },
    { name: 'GET a 100-host page', path: `${base}?limit=100` },
  ];
  console.log(`API hot path, ${CONNECTIONS} connections, ${SECONDS} s per case (SQLite, node ${process.version})`);
  console.log('case                      server      req/s  p99 (ms)  share of bare req/s  server CPU per request (ms)  share by CPU');
  for (const { name, path } of cases) {
    const body = await (await fetch(path, { headers })).text();
    const bare = await startBare(body);
    let ours: Load;
    let baseline: Load;
    try {
      const serverPid = server.child.pid!;
      await load(path, headers, serverPid); // warm up both
      await load(bare.url, {}, bare.pid);
      ours = await load(path, headers, serverPid);
      baseline = await load(bare.url, {}, bare.pid);
    } finally {
      bare.stop();
    }
    const share = ours.requestsPerSecond / baseline.requestsPerSecond;
    const cpuShare = baseline.cpuMsPerRequest / ours.cpuMsPerRequest;
    for (const [who, figures] of [
      ['bare node', baseline],
      ['edge-orch', ours],
    ] as const) {
      const shares = who === 'edge-orch' ? [share.toFixed(2), cpuShare.toFixed(2)] : ['', ''];
      console.log(
        `${name.padEnd(24)}  ${who.padEnd(10)} ${figures.requestsPerSecond.toFixed(0).padStart(6)}  ${figures.p99.toFixed(1).padStart(8)}  ${shares[0]!.padStart(19)}  ${figures.cpuMsPerRequest.toFixed(3).padStart(27)}  ${shares[1]!.padStart(12)}`,
      );
    }
    results.push(
      {
        name: `${name} at ${CONNECTIONS} connections: p99`,
        figure: ours.p99,
        unit: 'ms',
        baseline: baseline.p99,
        ratio: ours.p99 / baseline.p99,
        goal: '≤ 10 ms',
        met: ours.p99 <= 10,
      },
      {
        name: `${name} at ${CONNECTIONS} connections: requests per second`,
        figure: ours.requestsPerSecond,
        unit: 'req/s',
        baseline: baseline.requestsPerSecond,
        ratio: share,
        goal: '≥ 0.4 of bare node',
        met: share >= 0.4,
      },
      {
        name: `${name}: server CPU per request`,
        figure: ours.cpuMsPerRequest,
        unit: 'ms',
        baseline: baseline.cpuMsPerRequest,
        ratio: cpuShare,
        goal: null,
        met: null,
      },
    );
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
reportResults(results);
