/**
 * A constrained edge link for an emulated host (test/e2e/support/test-network.ts): a token bucket (tc's tbf) at
 * `rateMbit` on both ends of its veth, the host's eth0 for what it sends and the bridge-side end for what it
 * receives, so each direction is limited on its own. Propagation delay is not emulated: tc's netem qdisc is not in
 * every kernel (the bench says whether it was used). Also reads an interface's byte counters inside a namespace.
 */
import { spawnSync } from 'node:child_process';

export interface LinkShape {
  rateMbit: number;
  /** One-way delay added with netem on both ends; null without netem. */
  delayMs: number | null;
}

function tc(args: string[]): void {
  const run = spawnSync('tc', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tc ${args.join(' ')} failed: ${run.stderr || run.error?.message}`);
}

/** Whether this kernel has netem (a probe on a throwaway dummy interface in a throwaway namespace). */
export function netemAvailable(): boolean {
  const namespace = `eo-netem-probe-${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', namespace]).status !== 0) return false;
  try {
    spawnSync('ip', ['-n', namespace, 'link', 'add', 'probe0', 'type', 'dummy']);
    return spawnSync('tc', ['-n', namespace, 'qdisc', 'add', 'dev', 'probe0', 'root', 'netem', 'delay', '1ms']).status === 0;
  } finally {
    spawnSync('ip', ['netns', 'del', namespace]);
  }
}

/**
 * The queue for one direction: tbf at the rate (a 64 KiB bucket, so that segmentation-offloaded packets pass, and
 * up to 400 ms of queue), under netem's delay when one is asked for.
 */
function shapeDevice(prefix: string[], device: string, { rateMbit, delayMs }: LinkShape): void {
  const tbf = ['tbf', 'rate', `${rateMbit}mbit`, 'burst', '64kb', 'latency', '400ms'];
  if (delayMs === null) {
    tc([...prefix, 'qdisc', 'add', 'dev', device, 'root', ...tbf]);
    return;
  }
  tc([...prefix, 'qdisc', 'add', 'dev', device, 'root', 'handle', '1:', 'netem', 'delay', `${delayMs}ms`]);
  tc([...prefix, 'qdisc', 'add', 'dev', device, 'parent', '1:1', 'handle', '10:', ...tbf]);
}

/** Shapes both directions of the host's link: `link` is the bridge-side veth end, eth0 the host's own. */
export function shapeHostLink({ namespace, link }: { namespace: string; link: string }, shape: LinkShape): void {
  shapeDevice(['-n', namespace], 'eth0', shape);
  shapeDevice([], link, shape);
}

/** Bytes received and sent by `device` in `namespace`, from the kernel's counters. */
export function readLinkBytes(namespace: string, device = 'eth0'): { rx: number; tx: number } {
  const run = spawnSync('ip', ['-n', namespace, '-j', '-s', 'link', 'show', 'dev', device], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip -n ${namespace} -s link show ${device} failed: ${run.stderr}`);
  const [info] = JSON.parse(run.stdout) as { stats64: { rx: { bytes: number }; tx: { bytes: number } } }[];
  return { rx: info!.stats64.rx.bytes, tx: info!.stats64.tx.bytes };
}
