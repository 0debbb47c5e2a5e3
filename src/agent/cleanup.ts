/**
 * Removes K3s from this host so it can be reused: stops it, unmounts what it mounted, and deletes its state as
 * domain/bootstrap/cleanup-plan.ts decides. On an immutable OS the files installed OS packages own (`rpm -qal`) stay
 * byte-identical; on a mutable OS everything K3s and its installer left goes, the binary included.
 */
import { lstat, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { K3S_HOST_PATHS } from '../domain/bootstrap/bootstrap-plan.ts';
import { cleanupCandidates, computeCleanupPlan, type CleanupPlan, type HostEntry } from '../domain/bootstrap/cleanup-plan.ts';
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
  const systemd = await exists('/run/systemd/system');
  const killall = join(dir, 'k3s-killall.sh');
  if (await exists(killall)) {
    await runProcess(['sh', killall], { env: baseEnv, timeoutMs: 120_000 });
    stoppedWith.push('killall-script');
  } else if (systemd) {
    for (const unit of ['k3s.service', 'k3s-agent.service']) {
      if (await exists(join(K3S_HOST_PATHS.systemdDir, unit)))
        await runProcess(['systemctl', 'disable', '--now', unit], { env: baseEnv, timeoutMs: 120_000 });
    }
    stoppedWith.push('systemctl');
  }
  if (await stopK3sProcesses(stopTimeoutMs)) stoppedWith.push('signals');

  const roots = cleanupCandidates({ binDir: dir, extraFiles: record?.files ?? [] });
  const failed: CleanupResult['failed'] = [];
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
  if (systemd) await runProcess(['systemctl', 'daemon-reload'], { env: baseEnv, timeoutMs: 60_000 });
  return { stoppedWith, removed, kept: plan.keep, failed };
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

/** SIGTERM, then SIGKILL, to `k3s server|agent` processes and K3s's containerd shims; true when any was found. */
async function stopK3sProcesses(timeoutMs: number): Promise<boolean> {
  const pids = await k3sProcesses();
  if (pids.length === 0) return false;
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await Promise.all(pids.map(isAlive))).some(Boolean)) await sleep(100);
  for (const pid of pids) if (await isAlive(pid)) signal(pid, 'SIGKILL');
  return true;
}

async function k3sProcesses(): Promise<number[]> {
  const shims = `${K3S_HOST_PATHS.dataDir}/data/`;
  const found: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    // The k3s binary is argv[0], or argv[1] when an interpreter runs it (the test stand-in is a Node.js script).
    const k3sAt = [0, 1].find((i) => /(^|\/)k3s$/.test(argv[i] ?? ''));
    const isK3s = k3sAt !== undefined && ['server', 'agent'].includes(argv[k3sAt + 1] ?? '');
    const isShim = (argv[0] ?? '').startsWith(shims) && (argv[0] ?? '').includes('containerd-shim');
    if (isK3s || isShim) found.push(pid);
  }
  return found;
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
