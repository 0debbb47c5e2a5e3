/** The one JSON line each benchmark ends with: its figures, each with its same-run baseline, ratio and goal. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  met: boolean;
}

export function printFigures(bench: string, figures: readonly Figure[]): void {
  console.log(JSON.stringify({ bench, figures }));
}

/** The q-quantile (0..1) of `xs`, nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
