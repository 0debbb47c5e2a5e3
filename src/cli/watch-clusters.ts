/**
 * `--watch` on `cluster get|list`: reads the clusters again every interval and prints a line whenever one's
 * phase or message changes, until every cluster watched is in a terminal phase (ready, failed, or gone after
 * deleting). An abort (Ctrl-C) ends the watch between reads.
 */
import type { ClusterPhase } from '../domain/inventory/cluster.ts';

export interface WatchedCluster {
  name: string;
  phase: ClusterPhase;
  message: string;
}

export type WatchEnd = 'ready' | 'failed' | 'deleted' | 'interrupted';

const TERMINAL: readonly ClusterPhase[] = ['ready', 'failed', 'deleted'];

export async function watchClusters({
  read,
  print,
  intervalMs,
  signal,
  sleep = (ms, s) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      s.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    }),
}: {
  /** The clusters now; a name missing from the result is gone (deleted). */
  read(): Promise<WatchedCluster[]>;
  print(line: string): void;
  intervalMs: number;
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}): Promise<WatchEnd> {
  const lines = new Map<string, string>();
  const phases = new Map<string, ClusterPhase>();
  for (;;) {
    if (signal.aborted) return 'interrupted';
    const clusters = await read();
    const present = new Set(clusters.map((c) => c.name));
    for (const name of phases.keys()) {
      if (!present.has(name) && phases.get(name) !== 'deleted') {
        print(`${name}  deleted`);
        phases.set(name, 'deleted');
      }
    }
    for (const c of clusters) {
      const line = `${c.name}  ${c.phase}  ${c.message}`;
      if (lines.get(c.name) !== line) print(line);
      lines.set(c.name, line);
      phases.set(c.name, c.phase);
    }
    const all = [...phases.values()];
    if (all.every((p) => TERMINAL.includes(p))) {
      if (all.includes('failed')) return 'failed';
      return all.length > 0 && all.every((p) => p === 'deleted') ? 'deleted' : 'ready';
    }
    await sleep(intervalMs, signal);
  }
}
