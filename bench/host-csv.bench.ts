/**
 * How long parseHostCsv takes for a 100,000-row EMF host CSV (one duplicated serial at the end), against a baseline
 * measured in the same run: csv-parse alone reading the same text into records. The ratio is the cost of
 * edge-orch's checks per row; it stays flat as the row count grows while that work is linear.
 *
 *   node bench/host-csv.bench.ts [--rows N] [--runs N]
 */
import { parse } from 'csv-parse/sync';
import { parseArgs } from 'node:util';
import { formatHostCsvError, HOST_CSV_COLUMNS, parseHostCsv } from '../src/interchange/host-csv.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } } });
const ROWS = Number(values.rows);
const RUNS = Number(values.runs);

/** One data line per host: a serial, a label and K8sEnable, every other column empty; then serial SN-5 again. */
function writeCsv(): string {
  const cell = (column: string, i: number): string =>
    column === 'Serial' ? `SN-${i}` : column === 'Metadata' ? `n=${i % 7}` : column === 'K8sEnable' ? 'true' : '';
  const lines = [HOST_CSV_COLUMNS.join(',')];
  for (let i = 0; i < ROWS; i++) lines.push(HOST_CSV_COLUMNS.map((c) => cell(c, i)).join(','));
  lines.push(HOST_CSV_COLUMNS.map((c) => cell(c, 5)).join(','));
  return `${lines.join('\n')}\n`;
}

const text = writeCsv();

function baseline(): void {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  if (records.length !== ROWS + 2) throw new Error(`csv-parse read ${records.length} records, expected ${ROWS + 2}`);
}

function parseHosts(): void {
  const { rows, errors } = parseHostCsv(text);
  const expected = `line ${ROWS + 2}, column Serial: Serial SN-5 is also on line 7; each host may appear once`;
  if (rows.length !== ROWS || errors.length !== 1 || formatHostCsvError(errors[0]!) !== expected)
    throw new Error(`parseHostCsv read ${rows.length} rows and ${errors.length} errors: ${errors.map(formatHostCsvError).join('; ')}`);
}

/** Median wall time in ms, after one warm-up run. */
function measure(run: () => void): number {
  run();
  const times = Array.from({ length: RUNS }, () => {
    const started = performance.now();
    run();
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const base = measure(baseline);
const full = measure(parseHosts);
console.log(`host CSV parsing, ${ROWS} rows, ${(text.length / 1e6).toFixed(1)} MB, median of ${RUNS} runs (node ${process.version})`);
console.log(`${'case'.padEnd(22)} ${'wall (ms)'.padStart(10)}  ${'rows/s'.padEnd(9)}  ratio to csv-parse`);
for (const [name, ms] of [
  ['csv-parse (baseline)', base],
  ['parseHostCsv', full],
] as const)
  console.log(`${name.padEnd(22)} ${ms.toFixed(0).padStart(10)}  ${((ROWS / ms) * 1000).toFixed(0).padEnd(9)}  ${(ms / base).toFixed(2)}x`);
