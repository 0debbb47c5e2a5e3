import { describe, expect, it } from 'vitest';
import { watchClusters, type WatchedCluster } from './watch-clusters.ts';

/** Reads that return the given snapshots in turn (the last one again after that). */
function snapshots(...lists: WatchedCluster[][]): () => Promise<WatchedCluster[]> {
  let i = 0;
  return async () => lists[Math.min(i++, lists.length - 1)]!;
}
const c = (phase: WatchedCluster['phase'], message = ''): WatchedCluster => ({ name: 'edge', phase, message });
const noSleep = async (): Promise<void> => {};

describe('watchClusters', () => {
  it('prints each phase change once and ends when the cluster is ready', async () => {
    const printed: string[] = [];
    const end = await watchClusters({
      read: snapshots([c('waiting-for-nodes')], [c('waiting-for-nodes')], [c('provisioning', 'installing')], [c('ready', 'K3s is ready')]),
      print: (line) => printed.push(line),
      intervalMs: 1,
      signal: new AbortController().signal,
      sleep: noSleep,
    });
    expect(end).toBe('ready');
    expect(printed).toEqual(['edge  waiting-for-nodes  ', 'edge  provisioning  installing', 'edge  ready  K3s is ready']);
  });

  it('ends with failed, and with deleted when a deleting cluster is gone', async () => {
    const signal = new AbortController().signal;
    expect(await watchClusters({ read: snapshots([c('failed')]), print: () => {}, intervalMs: 1, signal, sleep: noSleep })).toBe('failed');
    const printed: string[] = [];
    const end = await watchClusters({
      read: snapshots([c('deleting')], []),
      print: (l) => printed.push(l),
      intervalMs: 1,
      signal,
      sleep: noSleep,
    });
    expect(end).toBe('deleted');
    expect(printed).toEqual(['edge  deleting  ', 'edge  deleted']);
  });

  it('stops between reads when aborted (Ctrl-C)', async () => {
    const abort = new AbortController();
    let reads = 0;
    const end = await watchClusters({
      read: async () => (reads++, [c('provisioning')]),
      print: () => abort.abort(),
      intervalMs: 1,
      signal: abort.signal,
      sleep: noSleep,
    });
    expect(end).toBe('interrupted');
    expect(reads).toBe(1);
  });
});
