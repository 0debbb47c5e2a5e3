/** `edge-orch serve` as a child process on a free port, for benchmarks that measure the server from outside. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

export interface ServeProcess {
  url: string;
  tokenFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Resolves once the server listens (plain HTTP). */
export function startServe(dataDir: string, flags: readonly string[] = []): Promise<ServeProcess> {
  const args = [MAIN, 'serve', '--data-dir', dataDir, '--port', '0', '--insecure-http', ...flags];
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((done, fail) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /listening on (\S+)/.exec(text)?.[1];
      // The first admin token is written before the server listens (and only on its first start).
      if (url) done({ url, tokenFile: join(dataDir, 'admin-token'), child, stop });
    });
    child.on('exit', (code) => fail(new Error(`edge-orch serve exited with ${code}: ${text}`)));
  });
}

/** Resident set size of a process, in MB (Linux). */
export async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time a process has used so far (user + system), in ms (Linux; clock ticks of 10 ms). */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based, per proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
