/**
 * Emulated hosts for agent tests: each `run` is a fresh mount, PID and network namespace (see
 * sandbox-runner.ts) in which K3s's real absolute paths are writable overlays, so the install script stand-in
 * and the agent work at /etc/rancher, /var/lib/rancher, /usr/local/bin, /opt... and nothing on the machine changes.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { airgapImageName, writeStandinMirror, writeStandinSources, type StandinSources } from '../../standins/standin-sources.ts';
import { RESULT_PREFIX, type OpResult, type SandboxOp } from './sandbox-types.ts';

export { MIRROR_URL } from './sandbox-types.ts';
export type { ObservedPath, OpResult, SandboxOp } from './sandbox-types.ts';

const RUNNER = join(import.meta.dirname, 'sandbox-runner.ts');

export interface Sandbox {
  /** Prepares sources/<name>: the k3s stand-in of `version`, install.sh and (unless airgap is false) the air-gap tarball. */
  addImage(name: string, options: { version: string; airgap?: boolean }): Promise<StandinSources>;
  /** Prepares sources/mirror with K3s releases of the given versions. */
  addMirror(versions: string[]): Promise<void>;
  /** Runs the ops on a fresh emulated host and returns one result per op. */
  run(ops: SandboxOp[], options?: { timeoutMs?: number }): Promise<OpResult[]>;
  dispose(): Promise<void>;
}

export async function createSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-orch-sandbox-'));
  const sources = join(dir, 'sources');
  await mkdir(sources);
  let runs = 0;
  return {
    async addImage(name, { version, airgap = true }) {
      const written = await writeStandinSources(join(sources, name), { version });
      if (!airgap) await rm(written.airgapImages[0]!.path);
      await writeFile(join(sources, name, 'image.json'), JSON.stringify({ version, airgapImage: airgap ? airgapImageName() : null }));
      return airgap ? written : { ...written, airgapImages: [] };
    },
    async addMirror(versions) {
      await writeStandinMirror(join(sources, 'mirror'), { versions });
    },
    async run(ops, { timeoutMs = 60_000 } = {}) {
      const scratch = join(dir, `scratch-${runs++}`);
      await mkdir(scratch);
      const child = spawn(
        'unshare',
        ['--mount', '--pid', '--fork', '--mount-proc', '--net', '--propagation', 'private', '--', process.execPath, RUNNER],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      child.stdin.end(JSON.stringify({ scratch, sources, ops }));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (!line) throw new Error(`the sandbox runner gave no result (exit ${code}):\n${stdout}\n${stderr}`);
      return JSON.parse(line.slice(RESULT_PREFIX.length)) as OpResult[];
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The value of a successful op, or a thrown error carrying the op's error. */
export function valueOf<T>(result: OpResult | undefined): T {
  if (!result) throw new Error('no result');
  if (!result.ok) throw new Error(`op failed: ${result.error.code}: ${result.error.detail}`);
  return result.value as T;
}
