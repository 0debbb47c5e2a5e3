/**
 * One emulated edge host for end-to-end tests: the real `edge-orch agent --root <image root copy>` (bin/edge-orch)
 * started in the host's network namespace, its output kept in a log file. The agent re-executes itself as PID 1
 * of its own mount and PID namespaces (src/agent/host-root.ts); `runInside` runs a command in that mount namespace,
 * so a test sees the host's file system exactly as K3s and its install script do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { EDGE_ORCH } from '../../support/edge-orch-cli.ts';

export interface EmulatedHost {
  namespace: string;
  address: string;
  root: string;
  uuid: string;
  serial: string;
  child: ChildProcess;
  logFile: string;
  log(): Promise<string>;
  /** Runs argv in the host's mount namespace (as root, with nsenter). */
  runInside(argv: string[]): { code: number | null; output: string };
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the agent has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startEmulatedHost({
  namespace,
  address,
  root,
  uuid,
  serial,
  serverUrl,
  enrollToken,
  logFile,
  agentArgs = [],
}: {
  namespace: string;
  address: string;
  root: string;
  uuid: string;
  serial: string;
  serverUrl: string;
  enrollToken: string;
  logFile: string;
  /** More `edge-orch agent` flags (the CA to trust, the mirror). */
  agentArgs?: string[];
}): EmulatedHost {
  const argv = [
    'netns',
    'exec',
    namespace,
    EDGE_ORCH,
    'agent',
    '--server',
    serverUrl,
    '--uuid',
    uuid,
    '--serial',
    serial,
    '--root',
    root,
    '--address',
    address,
    ...agentArgs,
  ];
  // The enrollment token goes through the environment, not argv (it would show in ps).
  const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGE_ORCH_ENROLL_TOKEN: enrollToken } });
  const out = createWriteStream(logFile);
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    namespace,
    address,
    root,
    uuid,
    serial,
    child,
    logFile,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    runInside(command) {
      // ip netns exec execs bin/edge-orch, which execs node (the same pid); its child is unshare, whose child is
      // the agent inside the host's namespaces.
      const unshare = childrenOf(child.pid)[0];
      const inside = unshare === undefined ? undefined : childrenOf(unshare)[0];
      if (inside === undefined) throw new Error(`the agent of ${namespace} has no process inside its host namespaces`);
      const run = spawnSync('nsenter', ['--target', String(inside), '--mount', '--', ...command], { encoding: 'utf8', timeout: 10_000 });
      return { code: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? run.error.message : ''}` };
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      out.end();
    },
  };
}

function childrenOf(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    // gone
  }
  return text.split(/\s+/).filter(Boolean).map(Number);
}
