/**
 * Removes K3s from this host so it can be reused, doing what K3s's own k3s-killall.sh and k3s-uninstall.sh do,
 * also where the install script wrote neither (a read-only bin directory): stops and disables the unit, kills
 * K3s and the whole process tree of every containerd shim, unmounts and removes K3s's mounts and pod network
 * namespaces, deletes the CNI interfaces, removes K3s's iptables and ip6tables chains and rules, and deletes its
 * state as domain/bootstrap/cleanup-plan.ts decides. On an immutable OS the files installed OS packages own
 * (`rpm -qal`) stay byte-identical; on a mutable OS everything K3s and its installer left goes, the binary included.
 */
import { lstat, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { K3S_HOST_PATHS } from '../domain/bootstrap/bootstrap-plan.ts';
import {
  cleanupCandidates,
  computeCleanupPlan,
  computeK3sInterfaces,
  computeK3sMounts,
  computeK3sProcesses,
  filterK3sIptables,
  parseNetworkLinks,
  type CleanupPlan,
  type HostEntry,
  type HostProcess,
} from '../domain/bootstrap/cleanup-plan.ts';
import { AppError } from '../domain/errors.ts';
import type { OsType } from '../domain/inventory/os-profile.ts';
import { runProcess } from '../system/run-process.ts';
import { readInstallRecord } from './install-record.ts';
import { safeBaseEnv } from './safe-base-env.ts';

export interface CleanupOptions {
  osType: OsType;
  /** Where the install put the binary and the installer's helpers; defaults to the install record's, then /usr/local/bin. */
  binDir?: string;
  /** Every path an installed OS package owns; defaults to `rpm -qal`. Asked only on an immutable OS. */
  listPackageFiles?: () => Promise<ReadonlySet<string>>;
  baseEnv?: Record<string, string>;
  /** How long K3s processes get to exit after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface CleanupResult {
  /** How K3s was stopped, in order. */
  stoppedWith: ('killall-script' | 'systemctl' | 'signals')[];
  /** K3s's mounts that were unmounted and removed (container file systems, pod volumes, pod network namespaces). */
  unmounted: string[];
  /** Network interfaces deleted (pods' veths, cni0, flannel…). */
  interfaces: string[];
  /** Lines of K3s's chains and rules removed, per tool. */
  iptables: { tool: 'iptables' | 'ip6tables'; removed: number }[];
  removed: string[];
  kept: CleanupPlan['keep'];
  /** Paths that could not be removed (unmounted or deleted), with why; the host is not clean while any remain. */
  failed: { path: string; error: string }[];
}

/**
 * Stops K3s: K3s's own k3s-killall.sh when the installer wrote one (a writable bin dir); otherwise
 * `systemctl disable --now` when systemd runs; then SIGTERM (SIGKILL after stopTimeoutMs) to any K3s process and
 * containerd shim still running, found by their command line. Works for real K3s and the test stand-in alike.
 */
export async function cleanupK3s({
  osType,
  binDir,
  listPackageFiles = rpmPackageFiles,
  baseEnv = safeBaseEnv(),
  stopTimeoutMs = 10_000,
}: CleanupOptions): Promise<CleanupResult> {
  const record = await readInstallRecord().catch(() => null);
  const dir = binDir ?? record?.binDir ?? K3S_HOST_PATHS.defaultBinDir;
  // Asked before anything changes: without it nothing may be deleted on an immutable OS.
  const packageOwned = osType === 'immutable' ? await listPackageFiles() : new Set<string>();

  const stoppedWith: CleanupResult['stoppedWith'] = [];
  const failed: CleanupResult['failed'] = [];
  const systemd = await exists('/run/systemd/system');
  const killall = join(dir, 'k3s-killall.sh');
  const units = [];
  for (const unit of ['k3s.service', 'k3s-agent.service']) if (await exists(join(K3S_HOST_PATHS.systemdDir, unit))) units.push(unit);
  if (await exists(killall)) {
    await runProcess(['sh', killall], { env: baseEnv, timeoutMs: 120_000 });
    stoppedWith.push('killall-script');
  }
  if (systemd && units.length > 0) {
    // Disabled as well as stopped: the unit files go below, and a reboot must not look for them.
    await runProcess(['systemctl', 'disable', '--now', ...units], { env: baseEnv, timeoutMs: 120_000 });
    if (!stoppedWith.includes('killall-script')) stoppedWith.push('systemctl');
  }
  if (await stopK3sProcesses(stopTimeoutMs)) stoppedWith.push('signals');

  // What k3s-killall.sh does after the processes: K3s's mounts and pod network namespaces, interfaces, iptables.
  const unmounted: string[] = [];
  for (const mount of computeK3sMounts(await mountPoints())) {
    const run = await runProcess(['umount', '-f', mount], { env: baseEnv, timeoutMs: 30_000 });
    const lazy = run.code === 0 ? run : await runProcess(['umount', '-l', mount], { env: baseEnv, timeoutMs: 30_000 });
    if (lazy.code !== 0) {
      failed.push({ path: mount, error: `umount: ${lazy.output.trim() || lazy.startError || `exit ${lazy.code}`}` });
      continue;
    }
    await rm(mount, { recursive: true, force: true }).catch((error: Error) => failed.push({ path: mount, error: error.message }));
    unmounted.push(mount);
  }
  const interfaces = await deleteK3sInterfaces(baseEnv, failed);
  const iptables = [];
  for (const tool of ['iptables', 'ip6tables'] as const) {
    const removed = await removeK3sIptables(tool, baseEnv, failed);
    if (removed !== null) iptables.push({ tool, removed });
  }

  const roots = cleanupCandidates({ binDir: dir, extraFiles: record?.files ?? [] });
  for (const mount of await mountsUnder(roots)) {
    const run = await runProcess(['umount', '-l', mount], { env: baseEnv, timeoutMs: 30_000 });
    if (run.code !== 0) failed.push({ path: mount, error: `umount: ${run.output.trim() || run.startError || `exit ${run.code}`}` });
  }
  // Only directories holding something that may stay are listed in detail; the rest go whole.
  const stays = [...(await mountsUnder(roots)), ...[...packageOwned].filter((p) => roots.some((root) => p.startsWith(`${root}/`)))];
  const plan = computeCleanupPlan({ entries: await listEntries(roots, stays, await mountPoints()), packageOwned, osType });
  const removed: string[] = [];
  for (const path of plan.remove) {
    try {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch (error) {
      failed.push({ path, error: (error as Error).message });
    }
  }
  if (systemd) {
    if (units.length > 0) await runProcess(['systemctl', 'reset-failed', ...units], { env: baseEnv, timeoutMs: 60_000 });
    await runProcess(['systemctl', 'daemon-reload'], { env: baseEnv, timeoutMs: 60_000 });
  }
  return { stoppedWith, unmounted, interfaces, iptables, removed, kept: plan.keep, failed };
}

/** `rpm -qal`: every file and directory of every installed package. Fails (InvalidState) rather than guess. */
export async function rpmPackageFiles(): Promise<ReadonlySet<string>> {
  const run = await runProcess(['rpm', '-qal'], { env: safeBaseEnv(), timeoutMs: 120_000, outputLimit: 256 * 1024 * 1024 });
  if (run.code !== 0) {
    throw new AppError(
      'InvalidState',
      `cannot tell which files belong to OS packages (rpm -qal ${run.startError ?? `exited with ${run.code}: ${run.output.trim().slice(-300)}`}); nothing was removed`,
    );
  }
  return new Set(run.stdout.split('\n').filter((line) => line.startsWith('/')));
}

/**
 * The roots and, below them, the directories leading to `stays` (package files, mounts left) with their
 * contents; symlinks are not followed and mounts below a root are not entered. A mount point is known by its
 * device number differing from its parent's or, for a bind mount of the same file system, by /proc/self/mounts.
 */
async function listEntries(roots: string[], stays: string[], mounts: ReadonlySet<string>): Promise<HostEntry[]> {
  const leadsToStay = new Set(
    stays.flatMap((path) =>
      path
        .split('/')
        .slice(1)
        .map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`),
    ),
  );
  const entries = new Map<string, HostEntry>();
  const visit = async (path: string, parentDev: number | null, isRoot: boolean): Promise<void> => {
    const info = await lstat(path).catch(() => null);
    if (!info || entries.has(path)) return;
    const parent = parentDev ?? (await stat(dirname(path)).catch(() => null))?.dev;
    const mountPoint = info.isDirectory() && ((parent !== undefined && info.dev !== parent) || mounts.has(path));
    const kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
    entries.set(path, {
      path,
      kind,
      ...(kind === 'symlink' ? { linkTarget: await readlink(path) } : {}),
      ...(mountPoint ? { mountPoint } : {}),
    });
    // A root that is a mount of its own (a data partition) is kept and emptied; a mount found inside is left alone.
    if (kind !== 'dir' || (mountPoint && !isRoot) || (!leadsToStay.has(path) && !(mountPoint && isRoot))) return;
    for (const name of await readdir(path)) await visit(join(path, name), info.dev, false);
  };
  for (const root of roots) await visit(root, null, true);
  return [...entries.values()];
}

/** Mount points strictly below the roots, deepest first. */
async function mountsUnder(roots: string[]): Promise<string[]> {
  return [...(await mountPoints())].filter((p) => roots.some((root) => p.startsWith(`${root}/`))).sort((a, b) => b.length - a.length);
}

/** Every mount point (from /proc/self/mounts, whose spaces are octal-escaped). */
async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return new Set(
    text
      .split('\n')
      .map((line) => line.split(' ')[1])
      .filter((p): p is string => !!p)
      .map((p) => p.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))),
  );
}

/**
 * SIGTERM to `k3s server|agent` (SIGKILL after timeoutMs), then SIGKILL to every process in the trees of K3s's
 * containerd shims and of K3s, as k3s-killall.sh's killtree does; true when any was found.
 */
async function stopK3sProcesses(timeoutMs: number): Promise<boolean> {
  const { k3s, trees } = computeK3sProcesses(await hostProcesses(), K3S_HOST_PATHS.dataDir);
  if (k3s.length === 0 && trees.length === 0) return false;
  for (const pid of k3s) signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await Promise.all(k3s.map(isAlive))).some(Boolean)) await sleep(100);
  for (const pid of k3s) if (await isAlive(pid)) signal(pid, 'SIGKILL');
  // Listed again: K3s may have started processes while it stopped; those below a shim died with it or go now.
  const left = computeK3sProcesses(await hostProcesses(), K3S_HOST_PATHS.dataDir);
  for (const pid of new Set([...trees, ...left.trees, ...left.k3s])) signal(pid, 'SIGKILL');
  return true;
}

/** Every process but this one, with its parent and command line, from /proc. */
async function hostProcesses(): Promise<HostProcess[]> {
  const found: HostProcess[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    found.push({ pid, ppid, argv });
  }
  return found;
}

/** Deletes the interfaces K3s's CNI made; none when `ip` is missing (no network namespace to clean). */
async function deleteK3sInterfaces(env: Record<string, string>, failed: CleanupResult['failed']): Promise<string[]> {
  const listed = await runProcess(['ip', '-o', 'link', 'show'], { env, timeoutMs: 30_000, outputLimit: 16 * 1024 * 1024 });
  if (listed.code !== 0) return [];
  const deleted: string[] = [];
  for (const name of computeK3sInterfaces(parseNetworkLinks(listed.stdout))) {
    const run = await runProcess(['ip', 'link', 'delete', name], { env, timeoutMs: 30_000 });
    // A pod's veth goes with its network namespace or its peer: gone is as good as deleted.
    const gone = run.code !== 0 && (await runProcess(['ip', 'link', 'show', name], { env, timeoutMs: 30_000 })).code !== 0;
    if (run.code === 0 || gone) deleted.push(name);
    else failed.push({ path: `interface ${name}`, error: `ip link delete: ${run.output.trim() || `exit ${run.code}`}` });
  }
  return deleted;
}

/**
 * `<tool>-save`, without K3s's chains and rules, back through `<tool>-restore` (argv and stdin, no shell).
 * Null when the tool is not installed; the number of lines removed otherwise.
 */
async function removeK3sIptables(
  tool: 'iptables' | 'ip6tables',
  env: Record<string, string>,
  failed: CleanupResult['failed'],
): Promise<number | null> {
  const saved = await runProcess([`${tool}-save`], { env, timeoutMs: 60_000, outputLimit: 256 * 1024 * 1024 });
  if (saved.startError !== undefined) return null;
  if (saved.code !== 0) {
    failed.push({ path: tool, error: `${tool}-save: ${saved.output.trim() || `exit ${saved.code}`}` });
    return 0;
  }
  const { rules, removed } = filterK3sIptables(saved.stdout);
  if (removed === 0) return 0;
  const restored = await runProcess([`${tool}-restore`], { env, timeoutMs: 60_000, input: rules });
  if (restored.code !== 0) {
    failed.push({ path: tool, error: `${tool}-restore: ${restored.output.trim() || `exit ${restored.code}`}` });
    return 0;
  }
  return removed;
}

/** A zombie (exited, not yet reaped) counts as gone. */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );
