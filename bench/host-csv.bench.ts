/**
 * How long readHostCsv takes for an EMF host CSV (one duplicated serial at the end), against a baseline measured
 * in the same run: csv-parse alone reading the same text into records. The ratio is the cost of edge-orch's
 * checks per row; it stays flat as the row count grows while that work is linear.
 *
 * With --stream, the file is written to disk and read as the CLI reads it (a file stream, rows handed on and not
 * kept), and the peak resident memory is printed: it should stay flat from 100,000 to 1,000,000 rows, apart from
 * the duplicate index of the rows' UUIDs, serials and host names.
 *
 *   node bench/host-csv.bench.ts [--rows N] [--runs N] [--quick]
 *   node --expose-gc bench/host-csv.bench.ts --stream --rows 1000000 --runs 1
 */
import { parse } from 'csv-parse/sync';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readHostCsv } from '../src/interchange/host-csv.ts';
import { formatHostCsvError, HOST_CSV_COLUMNS, type HostCsvError } from '../src/interchange/host-csv-format.ts';
import { reportResults } from './report.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    stream: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const ROWS = values.quick ? 1000 : Number(values.rows);
const RUNS = values.quick ? 1 : Number(values.runs);

/** One data line per host: a serial, a label and K8sEnable, every other column empty; then serial SN5 again. */
function writeCsv(): string {
  const cell = (column: string, i: number): string =>
    column === 'Serial' ? `SN${String(i).padStart(5, '0')}` : column === 'Metadata' ? `n=${i % 7}` : column === 'K8sEnable' ? 'true' : '';
  const lines = [HOST_CSV_COLUMNS.join(',')];
  for (let i = 0; i < ROWS; i++) lines.push(HOST_CSV_COLUMNS.map((c) => cell(c, i)).join(','));
  lines.push(HOST_CSV_COLUMNS.map((c) => cell(c, 5)).join(','));
  return `${lines.join('\n')}\n`;
}

const text = writeCsv();
const EXPECTED = `line ${ROWS + 2}, column Serial: Serial SN00005 is also on line 7; each host may appear once`;

function check(rows: number, errors: readonly HostCsvError[]): void {
  if (rows !== ROWS || errors.length !== 1 || formatHostCsvError(errors[0]!) !== EXPECTED)
    throw new Error(`readHostCsv read ${rows} rows and ${errors.length} errors: ${errors.map(formatHostCsvError).join('; ')}`);
}

function baseline(): Promise<void> {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  if (records.length !== ROWS + 2) throw new Error(`csv-parse read ${records.length} records, expected ${ROWS + 2}`);
  return Promise.resolve();
}

async function parseHosts(): Promise<void> {
  const { rows, errors } = await readHostCsv([text]);
  check(rows.length, errors);
}

/** Median wall time in ms, after one warm-up run. */
async function measure(run: () => Promise<void>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

if (values.stream) {
  const dir = mkdtempSync(join(tmpdir(), 'host-csv-bench-'));
  const file = join(dir, 'hosts.csv');
  writeFileSync(file, text);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  let rows = 0;
  const { errors } = await readHostCsv(createReadStream(file), { onRow: () => rows++ });
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  rmSync(dir, { recursive: true });
  check(rows, errors);
  console.log(`host CSV streamed from disk, ${ROWS} rows, ${(text.length / 1e6).toFixed(1)} MB file (node ${process.version})`);
  console.log(`wall ${ms.toFixed(0)} ms, ${((ROWS / ms) * 1000).toFixed(0)} rows/s`);
  console.log(`RSS before ${mb(before)} (the generated text is held by the bench), peak ${mb(peak)}, growth ${mb(peak - before)}`);
  reportResults([
    {
      name: `host CSV streamed, ${ROWS} rows: RSS growth`,
      figure: (peak - before) / 1e6,
      unit: 'MB',
      baseline: null,
      ratio: null,
      goal: null,
      met: null,
    },
  ]);
} else {
  const base = await measure(baseline);
  const full = await measure(parseHosts);
  console.log(`host CSV parsing, ${ROWS} rows, ${(text.length / 1e6).toFixed(1)} MB, median of ${RUNS} runs (node ${process.version})`);
  console.log(`${'case'.padEnd(22)} ${'wall (ms)'.padStart(10)}  ${'rows/s'.padEnd(9)}  ratio to csv-parse`);
  for (const [name, ms] of [
    ['csv-parse (baseline)', base],
    ['readHostCsv', full],
  ] as const)
    console.log(
      `${name.padEnd(22)} ${ms.toFixed(0).padStart(10)}  ${((ROWS / ms) * 1000).toFixed(0).padEnd(9)}  ${(ms / base).toFixed(2)}x`,
    );
  reportResults([
    { name: `readHostCsv, ${ROWS} rows`, figure: full, unit: 'ms', baseline: base, ratio: full / base, goal: null, met: null },
  ]);
}
