/**
 * How long a CLI command takes to start, against two baselines measured in the same run: bare Node.js, and the
 * same CLI with the server and the agent loaded eagerly (what every command paid before src/main.ts loaded them
 * only for `serve` and `agent`).
 *
 *   node bench/cli-startup.bench.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);

/** Loads the program as the lazy main.ts does, plus the server and agent modules up front. */
const EAGER = `
  await import(${JSON.stringify(`${ROOT}/src/server.ts`)});
  await import(${JSON.stringify(`${ROOT}/src/agent/run-agent-command.ts`)});
  process.argv = [process.argv[0], 'edge-orch', '--help'];
  await import(${JSON.stringify(`${ROOT}/src/main.ts`)});
`;

const cases: [string, string[]][] = [
  ['node (baseline)', ['-e', '0']],
  ['edge-orch --help', [`${ROOT}/src/main.ts`, '--help']],
  ['eager server+agent', ['--input-type=module', '-e', EAGER]],
];

/** Wall time of one run, in ms. */
function measure(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return performance.now() - started;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = cases.map(([name, args]) => {
  measure(args); // warm the file cache
  return { name, ms: median(Array.from({ length: RUNS }, () => measure(args))) };
});
const baseline = results[0]!.ms;
console.log(`CLI start-up, median of ${RUNS} runs (node ${process.version})`);
console.log('case                 wall (ms)  ratio to bare node');
for (const r of results) console.log(`${r.name.padEnd(20)} ${r.ms.toFixed(0).padStart(9)}  ${(r.ms / baseline).toFixed(2)}x`);
