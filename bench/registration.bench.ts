/**
 * How long `edge-orch host import` takes for 10,000 hosts with auto-provision and auto-cluster, per store engine,
 * against baselines measured in the same run: the same hosts registered only, and a raw one-transaction insert of
 * the rows the job ends with (raw-registration-insert.ts). Every import gets a fresh server process (`edge-orch
 * serve`) and an empty database, and is timed from the CLI's start to its exit. Goals: ≤ 10 s on SQLite, ≤ 20 s on
 * PostgreSQL, and raw insert time / import time ≥ 0.25. Reports its figures in the shared format (report.ts).
 *
 *   node bench/registration.bench.ts [--hosts N] [--engine sqlite|postgres]
 *     (PostgreSQL runs when its server binaries are installed or EDGE_ORCH_PG_URL names a server)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reportResults, type BenchResult } from './report.ts';
import { HOST_CSV_COLUMNS } from '../src/interchange/host-csv-format.ts';
import type { EngineConfig } from '../src/store/store-config.ts';
import { FORMATS_DIR, osProfileFiles, templateFiles } from '../test/support/formats.ts';
import { createDatabase, startPostgres, type RunningPostgres } from '../test/support/postgres.ts';
import { measureRawInsert } from './raw-registration-insert.ts';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');
const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '10000' }, engine: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const HOSTS = values.quick ? 500 : Number(values.hosts);
const FULL = ['--auto-provision', '--auto-cluster', '--os-profile', 'microvisor-nonrt', '--template', 'baseline-k3s:v0.0.4'];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<Result> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

/** `edge-orch serve` on a free port; resolves once it listens, with its URL and first admin token file. */
function startServe(dir: string, database: string | null): Promise<{ url: string; tokenFile: string; child: ChildProcess }> {
  const args = [
    MAIN,
    'serve',
    '--data-dir',
    join(dir, 'data'),
    '--port',
    '0',
    '--log-level',
    'warn',
    ...(database ? ['--database', database] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((done, fail) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /listening on (\S+)/.exec(text)?.[1];
      const tokenFile = /admin token written to (\S+)/.exec(text)?.[1];
      if (url && tokenFile) done({ url, tokenFile, child });
    });
    child.on('exit', (code) => fail(new Error(`edge-orch serve exited with ${code}: ${text}`)));
  });
}

async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

function writeCsv(file: string): void {
  const lines = [HOST_CSV_COLUMNS.join(',')];
  for (let i = 0; i < HOSTS; i++) {
    const n = String(i).padStart(6, '0');
    lines.push(`BENCH-${n},0000${n.slice(2)}-bbbb-4ccc-8ddd-${n.padStart(12, '0')},,store-${i % 50},,,rack=r${i % 20},,,,,,`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** One import on a fresh server and database; returns the CLI's wall time in seconds. */
async function measure(engine: string, database: () => Promise<string | null>, csv: string, flags: string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), `edge-orch-bench-${engine}-`));
  const server = await startServe(dir, await database());
  try {
    const env = { PATH: process.env['PATH'], HOME: dir, EDGE_ORCH_CONFIG: join(dir, 'cli.json') };
    const setup = [
      ['login', '--server', server.url, '--token-file', server.tokenFile, '--ca-file', join(dir, 'data', 'ca.crt')],
      ...osProfileFiles().map((f) => ['osprofile', 'import', join(FORMATS_DIR, f)]),
      ['template', 'import', ...templateFiles().map((f) => join(FORMATS_DIR, f))],
    ];
    for (const args of setup) {
      const r = await runCli(env, args);
      if (r.code !== 0) throw new Error(`edge-orch ${args.join(' ')} failed: ${r.stderr}`);
    }
    const result = await runCli(env, ['host', 'import', csv, ...flags, '-o', 'json']);
    const report = result.code === 0 ? (JSON.parse(result.stdout) as { totals: { succeeded: number } }) : null;
    if (!report || report.totals.succeeded !== HOSTS)
      throw new Error(`import on ${engine} did not register every host (exit ${result.code}): ${result.stderr}`);
    return result.seconds;
  } finally {
    await stopServe(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresDatabase(): Promise<{ database: () => Promise<string>; stop(): void } | string> {
  const given = process.env['EDGE_ORCH_PG_URL'];
  if (given) return { database: () => createDatabase(given, 'edge_orch_bench'), stop() {} };
  let pg: RunningPostgres;
  try {
    pg = await startPostgres();
  } catch (error) {
    return (error as Error).message;
  }
  return { database: () => createDatabase(pg.url, 'edge_orch_bench'), stop: () => pg.stop() };
}

const work = mkdtempSync(join(tmpdir(), 'edge-orch-bench-'));
const csv = join(work, 'hosts.csv');
writeCsv(csv);
console.log(`edge-orch host import, ${HOSTS} hosts (node ${process.version}); baseline: the same hosts registered only`);
const rows: string[][] = [['engine', 'register only (s)', 'register + provision + cluster (s)', 'ratio', 'hosts/s']];
const engines: { name: 'sqlite' | 'postgres'; database: () => Promise<string | null>; stop(): void; goal: number }[] = [];
if (values.engine !== 'postgres') engines.push({ name: 'sqlite', database: async () => null, stop() {}, goal: 10 });
const pg = values.engine === 'sqlite' ? 'not asked for' : await postgresDatabase();
if (typeof pg === 'string') console.log(`postgres: skipped (${pg})`);
else engines.push({ name: 'postgres', ...pg, goal: 20 });
const figures: BenchResult[] = [];
/** A fresh database for the raw insert: a file of its own, or a new PostgreSQL database. */
async function rawEngine(engine: (typeof engines)[number]): Promise<EngineConfig> {
  if (engine.name === 'sqlite') return { engine: 'sqlite', file: join(work, 'raw.sqlite') };
  return { engine: 'postgres', connectionString: (await engine.database())! };
}
rows[0]!.push('raw insert (s)', 'raw / import');
try {
  for (const engine of engines) {
    const baseline = await measure(engine.name, engine.database, csv, []);
    const full = await measure(engine.name, engine.database, csv, FULL);
    const raw = await measureRawInsert(await rawEngine(engine), HOSTS);
    const ratio = raw / full;
    rows.push([
      engine.name,
      baseline.toFixed(1),
      full.toFixed(1),
      `${(full / baseline).toFixed(2)}x`,
      (HOSTS / full).toFixed(0),
      raw.toFixed(2),
      ratio.toFixed(3),
    ]);
    figures.push(
      {
        name: `${engine.name}: ${HOSTS} hosts, auto-provision + auto-cluster`,
        figure: full,
        unit: 's',
        baseline,
        ratio: full / baseline,
        goal: `<= ${engine.goal} s`,
        met: full <= engine.goal,
      },
      {
        name: `${engine.name}: raw one-transaction insert / import`,
        figure: ratio,
        unit: 'ratio',
        baseline: raw,
        ratio,
        goal: '>= 0.25',
        met: ratio >= 0.25,
      },
    );
  }
} finally {
  for (const engine of engines) engine.stop();
  rmSync(work, { recursive: true, force: true });
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows)
  console.log(
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
reportResults(figures);
