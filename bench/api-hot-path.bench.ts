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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COMPARISON_HEADER, compareWithBare } from './http-load.ts';
import { reportResults, type BenchResult } from './report.ts';
import { startServe } from './serve-process.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    quick: { type: 'boolean', default: false },
  },
});
const SECONDS = values.quick ? 0.5 : Number(values.seconds);
const CONNECTIONS = Number(values.connections);

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
  console.log(COMPARISON_HEADER);
  for (const { name, path } of cases)
    results.push(...(await compareWithBare(name, path, headers, server.child.pid!, { connections: CONNECTIONS, seconds: SECONDS })));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
reportResults(results);
