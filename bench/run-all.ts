/**
 * Runs every benchmark (bench/*.bench.ts, one process each, in name order) and writes what they report
 * (bench/report.ts) to bench/results/latest.md and latest.json: each figure with its same-run baseline, the
 * ratio, the goal and whether it is met. A bench that fails or reports nothing is listed as such.
 *
 *   node bench/run-all.ts [--quick] [--only <part of a file name>]... [--out <dir>]
 *
 * --quick passes --quick to every bench: CI-sized runs that keep the benches and this runner working; their
 * figures are not the goals' measurements.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readResults, type BenchResult } from './report.ts';

const BENCH_DIR = import.meta.dirname;
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    out: { type: 'string', default: join(BENCH_DIR, 'results') },
  },
});

interface BenchRun {
  file: string;
  exitCode: number;
  seconds: number;
  results: BenchResult[];
  /** The end of its error output when it failed. */
  error: string | null;
}

function runBench(file: string): Promise<BenchRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(BENCH_DIR, file), ...(values.quick ? ['--quick'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    process.stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) =>
    child.on('close', (code) =>
      done({
        file,
        exitCode: code ?? -1,
        seconds: (performance.now() - started) / 1000,
        results: readResults(stdout),
        error: code === 0 ? null : stderr.trim().split('\n').slice(-5).join('\n'),
      }),
    ),
  );
}

const number = (x: number | null): string => (x === null ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

function markdown(runs: readonly BenchRun[], heading: string): string {
  const lines = [heading, '', '| bench | figure | measured | baseline (same run) | ratio | goal | met |', '|---|---|---|---|---|---|---|'];
  for (const run of runs) {
    if (run.exitCode !== 0) lines.push(`| ${run.file} | failed (exit ${run.exitCode}) | | | | | |`);
    else if (run.results.length === 0) lines.push(`| ${run.file} | reports no figures | | | | | |`);
    for (const r of run.results) {
      const met = r.met === null ? '' : r.met ? 'yes' : '**no**';
      lines.push(
        `| ${run.file} | ${r.name} | ${number(r.figure)} ${r.unit} | ${number(r.baseline)} | ${number(r.ratio)} | ${r.goal ?? ''} | ${met} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const files = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.bench.ts') && (!values.only || values.only.some((part) => f.includes(part))))
  .sort();
const runs: BenchRun[] = [];
for (const file of files) {
  console.log(`\n== ${file}${values.quick ? ' --quick' : ''}`);
  runs.push(await runBench(file));
}
const when = new Date().toISOString();
const heading = `Benchmarks${values.quick ? ' (--quick: smoke-sized, not the goals’ measurements)' : ''}, ${when.slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end`;
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ when, node: process.version, quick: values.quick, runs }, null, 2)}\n`);
writeFileSync(join(out, 'latest.md'), markdown(runs, heading));
console.log(`\n${markdown(runs, heading)}\nwritten to ${join(out, 'latest.md')} and latest.json`);
if (runs.some((r) => r.exitCode !== 0)) process.exitCode = 1;
