/**
 * How long `edge-orch --help` takes to start, as users run it (bin/edge-orch: the shell wrapper choosing Node,
 * then Node with the compile cache), against bare Node.js (`node -e 0`) measured in the same run. Goal (issue 14):
 * at most 2× bare Node. For information, the same command with Node's compile cache off (every module type-stripped
 * and compiled anew), which is what a first run pays.
 *
 *   node bench/cli-startup.bench.ts [--runs N] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, reportResults } from './report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, quick: { type: 'boolean', default: false } } });
const RUNS = values.quick ? 3 : Number(values.runs);

const home = mkdtempSync(join(tmpdir(), 'edge-orch-cli-startup-'));
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env['PATH']}`,
  HOME: home,
  XDG_CACHE_HOME: join(home, 'cache'),
};
const cases: { name: string; command: string; args: string[]; env: NodeJS.ProcessEnv }[] = [
  { name: 'node -e 0 (baseline)', command: process.execPath, args: ['-e', '0'], env },
  { name: 'edge-orch --help', command: join(ROOT, 'bin/edge-orch'), args: ['--help'], env },
  { name: 'no compile cache', command: join(ROOT, 'bin/edge-orch'), args: ['--help'], env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' } },
];

/** Wall time of one run, in ms. */
function measure({ command, args, env }: (typeof cases)[number]): number {
  const started = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return performance.now() - started;
}

// Runs interleave, so a change in the machine's load touches every case alike.
for (const c of cases) measure(c); // warm the file cache and the compile cache
const times = cases.map(() => [] as number[]);
for (let run = 0; run < RUNS; run++) cases.forEach((c, i) => times[i]!.push(measure(c)));
rmSync(home, { recursive: true, force: true });
const [baseline, help, uncached] = times.map(median) as [number, number, number];
console.log(`CLI start-up, median of ${RUNS} runs (node ${process.version})`);
console.log('case                    wall (ms)  ratio to bare node');
for (const [i, c] of cases.entries()) {
  const ms = median(times[i]!);
  console.log(`${c.name.padEnd(22)} ${ms.toFixed(0).padStart(10)}  ${(ms / baseline).toFixed(2)}x`);
}
reportResults([
  {
    name: 'edge-orch --help start-up',
    figure: help,
    unit: 'ms',
    baseline,
    ratio: help / baseline,
    goal: '≤ 2× node -e 0',
    met: help <= 2 * baseline,
  },
  {
    name: 'edge-orch --help start-up without the compile cache',
    figure: uncached,
    unit: 'ms',
    baseline,
    ratio: uncached / baseline,
    goal: null,
    met: null,
  },
]);
