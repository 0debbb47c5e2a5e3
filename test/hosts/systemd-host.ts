/**
 * One emulated host booting systemd as PID 1: systemd-nspawn on an overlay of read-only layers (an image root
 * over the Debian base root) and the host's own upper directory, which persists across reboots as a disk does.
 * The machine joins an existing network namespace. On an immutable (EMT) host /usr is bound read-only, as EMT's
 * dm-verity root is; /etc, /opt and /var stay writable. The machine running the tests has no systemd as PID 1,
 * so nspawn runs with `--register=no --keep-unit` and the machine is driven with `nsenter` into its PID 1. Nothing
 * of this machine is shown inside: a host runs only what its image and its own layer carry.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SystemdHostOptions {
  /** The machine's name (its hostname). */
  name: string;
  /** Where the host keeps its upper layer, overlay work directory, merged root and console log. */
  dir: string;
  /** Read-only layers, uppermost first (the image root, then the base root). */
  layers: string[];
  /** The network namespace (`ip netns` name) the machine runs in. */
  namespace: string;
  /** An immutable image: /usr is read-only inside. */
  immutable: boolean;
  /** Writes into the host's upper layer before its first boot (its own settings, units, a corrupted file). */
  populate?: (upper: string) => Promise<void>;
  /** How long a boot may take before it counts as failed. */
  bootTimeoutMs?: number;
}

export interface CommandResult {
  code: number | null;
  output: string;
}

export interface SystemdHost {
  name: string;
  /** The host's own writable layer: everything it ever wrote. */
  upper: string;
  /** The root as the host sees it (lower layers and upper merged), readable from outside. */
  root: string;
  consoleLog: string;
  /** How long the last boot took, from nspawn's start to `systemctl is-system-running` answering. */
  bootMs: number;
  /** Runs argv in all the machine's namespaces, as root. */
  run(argv: string[], timeoutMs?: number): Promise<CommandResult>;
  /** `systemctl reboot` inside, then boots the same root again (the upper layer persists). */
  reboot(): Promise<void>;
  /** Resolves when the machine has gone down by itself (a reboot or power-off from inside); its root stays mounted. */
  stopped(): Promise<void>;
  /**
   * Boots a machine that went down again, on `layers` when given: another image under the same upper layer, as
   * an A/B image update leaves the disk's own data in place.
   */
  start(options?: { layers?: string[] }): Promise<void>;
  /** Powers the machine off (killing it after a grace time) and unmounts its root. Never throws. */
  stop(): Promise<void>;
}

export async function bootSystemdHost(options: SystemdHostOptions): Promise<SystemdHost> {
  const { name, dir, layers, namespace, immutable, populate, bootTimeoutMs = 90_000 } = options;
  const upper = join(dir, 'upper');
  const work = join(dir, 'work');
  const root = join(dir, 'root');
  const consoleLog = join(dir, 'console.log');
  await Promise.all([upper, work, root].map((d) => mkdir(d, { recursive: true })));
  await populate?.(upper);
  // The base root keeps the hostname of the machine that built it; each host has its own.
  await mkdir(join(upper, 'etc'), { recursive: true });
  await writeFile(join(upper, 'etc', 'hostname'), `${name}\n`);
  const mountRoot = (lower: string[]) =>
    exec('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower.join(':')},upperdir=${upper},workdir=${work}`, root]);
  await mountRoot(layers);
  const args = [
    '--quiet',
    '--register=no',
    '--keep-unit',
    '--boot',
    '--console=read-only',
    `--directory=${root}`,
    `--machine=${name}`,
    `--network-namespace-path=/run/netns/${namespace}`,
    // The machine's own network namespace is K3s's to change (cni0, flannel.1, pod netns, iptables rules), as on a
    // real host; nspawn grants CAP_NET_ADMIN only with a network it makes itself.
    '--capability=CAP_NET_ADMIN',
    ...(immutable ? [`--bind-ro=${join(root, 'usr')}:/usr`] : []),
  ];
  const log = createWriteStream(consoleLog, { flags: 'a' });
  let nspawn: ChildProcess;
  const start = (): void => {
    nspawn = spawn('systemd-nspawn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    nspawn.stdout!.pipe(log, { end: false });
    nspawn.stderr!.pipe(log, { end: false });
  };
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', () => resolve()));

  /** PID 1 of the machine as this machine sees it: nspawn's only child, once it runs systemd rather than nspawn's code. */
  const leader = (): number | undefined => {
    const pid = childrenOf(nspawn.pid)[0];
    return pid !== undefined && ['systemd', 'init'].includes(commandOf(pid)) ? pid : undefined;
  };
  const run = async (argv: string[], timeoutMs = 30_000): Promise<CommandResult> => {
    const pid = leader();
    if (pid === undefined) return { code: null, output: `machine ${name} is not running` };
    return exec('nsenter', ['--target', String(pid), '--all', '--', ...argv], { timeoutMs, check: false });
  };
  const host: SystemdHost = {
    name,
    upper,
    root,
    consoleLog,
    bootMs: 0,
    run,
    async reboot() {
      const before = nspawn;
      await run(['systemctl', 'reboot']);
      await exited(before);
      await boot();
    },
    stopped: () => exited(nspawn),
    async start({ layers: next } = {}) {
      if (nspawn.exitCode === null && nspawn.signalCode === null) throw new Error(`machine ${name} is still running`);
      if (next) {
        await exec('umount', [root]);
        await mountRoot(next);
      }
      await boot();
    },
    async stop() {
      const child = nspawn;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM'); // nspawn asks the machine's systemd to power off
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited(child);
        clearTimeout(timer);
      }
      await exec('umount', ['--lazy', root], { check: false });
      log.end();
    },
  };

  const boot = async (): Promise<void> => {
    const started = Date.now();
    start();
    const deadline = started + bootTimeoutMs;
    let state = '';
    for (;;) {
      if (leader() !== undefined) {
        state = (await run(['systemctl', 'is-system-running', '--wait'], Math.max(1000, deadline - Date.now()))).output.trim();
        if (state === 'running' || state === 'degraded') break;
      }
      if (nspawn.exitCode !== null || nspawn.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `machine ${name} did not boot within ${bootTimeoutMs / 1000} s (nspawn ${nspawn.exitCode ?? nspawn.signalCode ?? 'running'}, state ${JSON.stringify(state)}); console: ${consoleLog}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    host.bootMs = Date.now() - started;
  };
  try {
    await boot();
  } catch (error) {
    await host.stop();
    throw error;
  }
  return host;
}

function exec(file: string, args: string[], { timeoutMs = 30_000, check = true } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const result = { code, output: `${stdout}${stderr}${error && code === null ? error.message : ''}` };
      if (check && code !== 0) reject(new Error(`${file} ${args.join(' ')} failed: ${result.output.trim()}`));
      else resolve(result);
    });
  });
}

function childrenOf(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
