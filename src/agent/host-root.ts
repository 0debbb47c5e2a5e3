/**
 * Emulated hosts (`--root DIR`). The agent re-executes itself as the first process of new mount and PID
 * namespaces; there it binds DIR's K3s-relevant paths at their real locations (domain/bootstrap/host-root.ts decides which,
 * and which are read-only) and then runs as on a real host. The PID namespace keeps each emulated host's K3s
 * processes apart (cleanup stops K3s by finding its processes) and ends them when the agent stops.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  computeHostRootMounts,
  HOST_MANIFEST_PATH,
  IMAGE_RPM_DB_DIRS,
  isWritableOnHostRoot,
  type HostRootMount,
} from '../domain/bootstrap/host-root.ts';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { manifestOsType, readImageManifest } from './host-manifest.ts';
import { runProcess } from '../system/run-process.ts';
import { safeBaseEnv } from './safe-base-env.ts';

/** Marks the re-executed agent: it is inside the namespaces and must mount the root before anything else. */
export const INSIDE_HOST_ROOT_FLAG = '--inside-host-root';

/** How long the agent inside gets to stop after SIGTERM before the namespace is killed whole. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs this program again (same Node.js, same flags, plus INSIDE_HOST_ROOT_FLAG) under `unshare`, as PID 1 of a
 * new PID namespace in a new private mount namespace, and resolves with its exit code. SIGTERM/SIGINT are passed
 * on to it; if it has not exited after STOP_GRACE_MS, unshare is killed and the kernel ends the namespace.
 */
export function reexecInHostRoot({
  argv = process.argv,
  execPath = process.execPath,
  execArgv = process.execArgv,
}: { argv?: string[]; execPath?: string; execArgv?: string[] } = {}): Promise<number> {
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--pid',
      '--fork',
      '--kill-child',
      '--mount-proc',
      '--',
      execPath,
      ...execArgv,
      ...argv.slice(1),
      INSIDE_HOST_ROOT_FLAG,
    ],
    { stdio: 'inherit' },
  );
  const forward = (signal: NodeJS.Signals): void => {
    // unshare blocks SIGTERM/SIGINT while it waits; the agent inside is its only child.
    void childrenOf(child.pid).then((pids) => pids.forEach((pid) => tryKill(pid, signal)));
    setTimeout(() => tryKill(child.pid, 'SIGKILL'), STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(
        new AppError(
          'InvalidState',
          `cannot start unshare for --root: ${error.message}; --root needs util-linux unshare and root privileges`,
          { cause: error },
        ),
      ),
    );
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}

export interface MountedHostRoot {
  mounts: HostRootMount[];
  /** Why a plan cannot be executed on this emulated host (a file outside its writable mounts), or null. */
  checkPlan(plan: InstallPlan): string | null;
}

/**
 * Inside the namespaces: binds `root`'s paths at their real locations. Missing source directories are created
 * in `root`; missing mount points are created (empty) on the machine. Refuses to run outside a fresh PID
 * namespace, where the mounts would change the machine itself.
 */
export async function mountHostRoot(root: string): Promise<MountedHostRoot> {
  if (process.pid !== 1) {
    throw new AppError(
      'InvalidState',
      `${INSIDE_HOST_ROOT_FLAG} is set but this process is not the first of a new PID namespace; it is set only by the agent itself when it re-executes under unshare`,
    );
  }
  const manifest = await readImageManifest(join(root, HOST_MANIFEST_PATH));
  const mounts = computeHostRootMounts({ osType: manifestOsType(manifest), rpmDb: await findRpmDb(root) });
  const hidden = mounts.find((m) => root === m.target || root.startsWith(`${m.target}/`));
  if (hidden)
    throw new AppError(
      'InvalidField',
      `--root ${root} lies under ${hidden.target}, which the emulated host mounts over; put the image root elsewhere`,
      { field: 'root' },
    );
  for (const mount of mounts) {
    const source = join(root, mount.source);
    await mkdir(source, { recursive: true });
    await mkdir(mount.target, { recursive: true });
    await mountCommand(['mount', '--bind', source, mount.target]);
    if (mount.readOnly) await mountCommand(['mount', '-o', 'remount,bind,ro', mount.target]);
  }
  return {
    mounts,
    checkPlan(plan) {
      const written = [...plan.files.map((f) => f.path), ...plan.directories, ...(plan.download ? [plan.installScriptPath] : [])];
      const outside = written.filter((path) => !isWritableOnHostRoot(path, mounts));
      return outside.length === 0
        ? null
        : `this emulated host (--root ${root}) cannot write ${outside.join(', ')}: only ${mounts
            .filter((m) => !m.readOnly)
            .map((m) => m.target)
            .join(', ')} are the host's writable paths`;
    },
  };
}

/**
 * Where this machine's rpm reads its database (`rpm --eval %{_dbpath}`) and where in `root` the image keeps its
 * own: at the same path, or where rpm-based images usually do. Null without rpm or without a database.
 */
async function findRpmDb(root: string): Promise<{ source: string; target: string } | null> {
  const run = await runProcess(['rpm', '--eval', '%{_dbpath}'], { env: safeBaseEnv(), timeoutMs: 30_000 });
  const target = run.stdout.trim();
  if (run.code !== 0 || !target.startsWith('/')) return null;
  for (const source of [target, ...IMAGE_RPM_DB_DIRS]) {
    if ((await readdir(join(root, source)).catch(() => [])).length > 0) return { source, target };
  }
  return null;
}

async function mountCommand(argv: string[]): Promise<void> {
  const run = await runProcess(argv, { env: safeBaseEnv(), timeoutMs: 30_000 });
  if (run.code !== 0)
    throw new AppError('InvalidState', `${argv.join(' ')} failed: ${run.output.trim() || run.startError || `exit ${run.code}`}`);
}

async function childrenOf(pid: number | undefined): Promise<number[]> {
  if (pid === undefined) return [];
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

function tryKill(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
