/**
 * The operating system under every emulated host: a minimal Debian root with systemd as PID 1, made once with
 * mmdebstrap and cached in the project's .cache/ (ignored by git) under a name keyed by the suite and package
 * list, so later runs and other test files reuse it. A lock directory keeps concurrent test files from building
 * it twice; a lock left by a process that died is taken over. Its rpm reads its database where EMT's image keeps
 * it (/var/lib/rpm), so `rpm -qal` on an EMT host answers for the image composed on top of it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IMAGE_RPM_DB_DIRS } from '../../src/domain/bootstrap/host-root.ts';

const SUITE = 'bookworm';
const CACHE_DIR = join(import.meta.dirname, '..', '..', '.cache', 'host-base');
/** How long a test file waits for another one that is building the root. */
const BUILD_WAIT_MS = 15 * 60_000;

/** systemd as PID 1, and what the agent, K3s's install script and its cleanup run. */
export const HOST_BASE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'iproute2',
  'procps',
  'iptables',
  'kmod',
  'curl',
  'ca-certificates',
  'rpm',
] as const;

/** The cached root's path; made first when absent (about 95 s and 290 MB on a quiet machine). */
export async function ensureHostBaseRoot({ log = console.log }: { log?: (line: string) => void } = {}): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ SUITE, HOST_BASE_PACKAGES, rpmDb: IMAGE_RPM_DB_DIRS[0] }))
    .digest('hex')
    .slice(0, 12);
  const root = join(CACHE_DIR, `${SUITE}-${key}`);
  const lock = `${root}.lock`;
  await mkdir(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(root)) {
    if (await takeLock(lock)) {
      try {
        if (!existsSync(root)) await buildHostBaseRoot(root, log);
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error(`timed out after ${BUILD_WAIT_MS / 60_000} min waiting for ${lock} to be released`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  return root;
}

/** mkdir is atomic: whoever creates the directory holds the lock. A lock whose owner is gone is removed. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
  if (owner > 0 && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function buildHostBaseRoot(root: string, log: (line: string) => void): Promise<void> {
  const partial = `${root}.partial`;
  await rm(partial, { recursive: true, force: true });
  log(`emulated hosts: building the Debian ${SUITE} base root with mmdebstrap into ${root} (once; about 100 s)`);
  const started = Date.now();
  // Asynchronous, so the test runner's own timeouts still work while it runs.
  await promisify(execFile)(
    'mmdebstrap',
    [
      '--quiet',
      '--variant=minbase',
      `--include=${HOST_BASE_PACKAGES.join(',')}`,
      ...['doc', 'man', 'locale', 'info'].map((d) => `--dpkgopt=path-exclude=/usr/share/${d}/*`),
      SUITE,
      partial,
    ],
    { timeout: BUILD_WAIT_MS, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`mmdebstrap ${SUITE} failed: ${(error.stderr || error.message).slice(-2000)}`);
  });
  await mkdir(join(partial, 'etc', 'rpm'), { recursive: true });
  await writeFile(join(partial, 'etc', 'rpm', 'macros'), `%_dbpath ${IMAGE_RPM_DB_DIRS[0]}\n`);
  await rename(partial, root);
  log(`emulated hosts: base root built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
