/**
 * A private test network: a bridge in the machine's network namespace holding the orchestrator's address (and
 * the artifact mirror's, as a second address), and one network namespace per emulated host joined to it by a
 * veth pair. A host's only link is that veth; hosts that must not download anything get an `unreachable` route
 * to the mirror. Everything is named with a random tag and removed by dispose(), processes first.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TestNetwork {
  /** The orchestrator's address on the bridge. */
  serverAddress: string;
  /** The mirror's address on the bridge. */
  mirrorAddress: string;
  /**
   * Creates a namespace with a veth to the bridge; `canReachMirror: false` routes the mirror's address nowhere.
   * `link` is the veth's end on the bridge side (in the machine's namespace); the host's own end is its eth0.
   */
  addHost(options: { canReachMirror: boolean }): { namespace: string; address: string; link: string };
  /** Kills every process in the hosts' namespaces, then removes namespaces, veths and the bridge. Never throws. */
  dispose(): Promise<void>;
}

function ip(args: string[], { check = true } = {}): string {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (check && run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${run.stderr || run.error?.message}`);
  return run.stdout;
}

/** A 10.x.y.0/24 that no interface or route on the machine uses. */
function freeSubnet(): string {
  const used = ip(['-4', 'route', 'show', 'table', 'all']) + ip(['-4', 'addr', 'show']);
  for (let i = 0; i < 200; i++) {
    const candidate = `10.${200 + (randomBytes(1)[0]! % 50)}.${randomBytes(1)[0]! % 250}`;
    if (!used.includes(`${candidate}.`)) return candidate;
  }
  throw new Error('no free 10.x.y.0/24 subnet found for the test network');
}

export function createTestNetwork(): TestNetwork {
  const tag = randomBytes(3).toString('hex');
  const bridge = `eob${tag}`;
  const subnet = freeSubnet();
  const namespaces: string[] = [];
  const serverAddress = `${subnet}.1`;
  const mirrorAddress = `${subnet}.2`;
  ip(['link', 'add', bridge, 'type', 'bridge']);
  try {
    ip(['addr', 'add', `${serverAddress}/24`, 'dev', bridge]);
    ip(['addr', 'add', `${mirrorAddress}/32`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
  } catch (error) {
    ip(['link', 'del', bridge], { check: false });
    throw error;
  }

  return {
    serverAddress,
    mirrorAddress,
    addHost({ canReachMirror }) {
      const n = namespaces.length + 1;
      const namespace = `eo-${tag}-${n}`;
      const outside = `eo${tag}h${n}`;
      const address = `${subnet}.${10 + n}`;
      ip(['netns', 'add', namespace]);
      namespaces.push(namespace);
      ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
      ip(['link', 'set', outside, 'master', bridge]);
      ip(['link', 'set', outside, 'up']);
      const inside = (...args: string[]): string => ip(['-n', namespace, ...args]);
      inside('link', 'set', 'lo', 'up');
      inside('addr', 'add', `${address}/24`, 'dev', 'eth0');
      inside('link', 'set', 'eth0', 'up');
      if (!canReachMirror) inside('route', 'add', 'unreachable', `${mirrorAddress}/32`);
      return { namespace, address, link: outside };
    },
    async dispose() {
      for (const namespace of namespaces) {
        for (let round = 0; round < 20; round++) {
          const pids = ip(['netns', 'pids', namespace], { check: false }).split('\n').filter(Boolean).map(Number);
          if (pids.length === 0) break;
          for (const pid of pids) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // gone already
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        ip(['netns', 'del', namespace], { check: false }); // its veth end goes with it, and so the pair
      }
      ip(['link', 'del', bridge], { check: false });
    },
  };
}
