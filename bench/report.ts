/**
 * The one result format every benchmark reports in, and how it travels to bench/run-all.ts: a bench calls
 * `reportResults` with its figures, which prints them as one `BENCH-RESULT <json>` line each after its own
 * human-readable output. `ratio` is figure / baseline when both share a unit; `met` is null when no goal applies.
 */
export interface BenchResult {
  /** What was measured, for example "GET one host at 64 connections: p99". */
  name: string;
  figure: number;
  unit: string;
  /** The same measurement of the baseline, in the same run; null when the figure has none. */
  baseline: number | null;
  /** figure / baseline, or the ratio the goal is stated in (for example a share of a baseline's throughput). */
  ratio: number | null;
  /** The goal as written in the issue, for example "≤ 10 ms"; null when the figure is for information. */
  goal: string | null;
  met: boolean | null;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

export function reportResults(results: readonly BenchResult[]): void {
  for (const result of results) process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** The results a bench printed, in order; lines that are not results are skipped. */
export function readResults(output: string): BenchResult[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(RESULT_PREFIX))
    .map((line) => JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult);
}

/** The p-th percentile (0..100) of samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);
