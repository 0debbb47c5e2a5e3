/**
 * Keeps the benchmark runner from rotting: one bench run through bench/run-all.ts --quick, its figures read back
 * from the JSON and Markdown reports in the result format every bench shares (bench/report.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const RUN_ALL = resolve(import.meta.dirname, '../../bench/run-all.ts');

describe('bench/run-all.ts --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'edge-orch-run-all-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the benches it is given and reports each figure with its baseline, ratio and goal', { timeout: 120_000 }, () => {
    const run = spawnSync(process.execPath, [RUN_ALL, '--quick', '--only', 'cli-startup', '--out', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(report.quick).toBe(true);
    expect(report.runs).toEqual([expect.objectContaining({ file: 'cli-startup.bench.ts', exitCode: 0, error: null })]);
    const [startUp] = report.runs[0].results;
    expect(startUp).toEqual({
      name: 'edge-orch --help start-up',
      figure: expect.any(Number),
      unit: 'ms',
      baseline: expect.any(Number),
      ratio: startUp.figure / startUp.baseline,
      goal: '≤ 2× node -e 0',
      met: startUp.figure <= 2 * startUp.baseline,
    });
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('| cli-startup.bench.ts | edge-orch --help start-up |');
  });
});
