/**
 * A GET measured under load against a bare Node.js http server sending the same bytes (the baseline, measured in
 * the same run with the same client): requests per second, p99 and the server's CPU time per request, printed as
 * a table and reported as results (bench/report.ts). Goals (issue 14): p99 ≤ 10 ms, and at least 0.4 of the bare
 * server's requests per second. On a machine busy with other work the CPU time per request shows what the
 * wall-clock figures cannot (its ratio is bare CPU / edge-orch CPU, the share of the bare server's throughput an
 * idle machine would give).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { percentile, type BenchResult } from './report.ts';
import { cpuMs } from './serve-process.ts';

export interface Load {
  requestsPerSecond: number;
  p99: number;
  /** The server's CPU time per request: what its throughput would be on an idle machine, whatever else runs. */
  cpuMsPerRequest: number;
}

export interface LoadShape {
  connections: number;
  seconds: number;
}

/** `connections` loops, each sending the next GET when the previous answer is read, for `seconds`. */
async function load(url: string, headers: Record<string, string>, pid: number, { connections, seconds }: LoadShape): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
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
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (await cpuMs(pid)) - cpuBefore;
  agent.destroy();
  return { requestsPerSecond: latencies.length / elapsed, p99: percentile(latencies, 99), cpuMsPerRequest: cpu / latencies.length };
}

/**
 * A bare Node.js server answering every request with these bytes, in its own process; resolves with its URL. The
 * bytes go through its stdin: a page of documents is larger than an environment variable may be.
 */
async function startBare(body: string): Promise<{ url: string; pid: number; stop(): void }> {
  const code = `
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk)).on('end', () => {
      const body = Buffer.concat(chunks);
      require('node:http').createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
        res.end(body);
      }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.end(body);
  const [port] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${port.toString().trim()}`, pid: child.pid!, stop: () => child.kill() };
}

export const COMPARISON_HEADER =
  'case                      server      req/s  p99 (ms)  share of bare req/s  server CPU per request (ms)  share by CPU';

/**
 * GET `url` from the server (process `pid`) and the same bytes from a bare server, each warmed up then measured;
 * prints both rows under COMPARISON_HEADER and returns the results.
 */
export async function compareWithBare(
  name: string,
  url: string,
  headers: Record<string, string>,
  pid: number,
  shape: LoadShape,
): Promise<BenchResult[]> {
  const body = await (await fetch(url, { headers })).text();
  const bare = await startBare(body);
  let ours: Load;
  let baseline: Load;
  try {
    await load(url, headers, pid, shape); // warm up both
    await load(bare.url, {}, bare.pid, shape);
    ours = await load(url, headers, pid, shape);
    baseline = await load(bare.url, {}, bare.pid, shape);
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
  return [
    {
      name: `${name} at ${shape.connections} connections: p99`,
      figure: ours.p99,
      unit: 'ms',
      baseline: baseline.p99,
      ratio: ours.p99 / baseline.p99,
      goal: '≤ 10 ms',
      met: ours.p99 <= 10,
    },
    {
      name: `${name} at ${shape.connections} connections: requests per second`,
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
  ];
}
