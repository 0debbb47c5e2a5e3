/**
 * Running a program the way both sides need it: from an argv array, never a shell string (no quoting bugs, no
 * injection from plan or config values), in its own process group so a timeout kills whatever it started too,
 * and with bounded output so a chatty program cannot fill the memory. The agent runs K3s's install script, rpm
 * and mount with it; the image side rpmbuild, createrepo_c, dnf and mksquashfs.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** Exit code; null when killed by a signal or not started. */
  code: number | null;
  /** stdout, at most `outputLimit` bytes (the end is kept). */
  stdout: string;
  /** stdout and stderr as they came, at most `outputLimit` bytes (the end is kept). */
  output: string;
  timedOut: boolean;
  /** Set when the program could not be started (its message names the cause, for example ENOENT). */
  startError?: string;
}

export interface RunProcessOptions {
  /** The whole environment of the program: nothing of this process's own is passed on. */
  env: Record<string, string>;
  timeoutMs: number;
  outputLimit?: number;
  cwd?: string;
  /** Written to the program's stdin (closed after it); without it stdin is /dev/null. */
  input?: string;
}

/** Runs argv and resolves (never rejects) with how it went; on timeout its process group is killed. */
export function runProcess(
  argv: readonly string[],
  { env, timeoutMs, outputLimit = 64 * 1024, cwd, input }: RunProcessOptions,
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const [program, ...args] = argv;
    if (program === undefined) throw new Error('runProcess needs a program to run');
    const options = { env, detached: true, ...(cwd ? { cwd } : {}) };
    const child =
      input === undefined
        ? spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(program, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    // A program that exits without reading all of its input must not fail the run with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
    const stdout = new BoundedText(outputLimit);
    const output = new BoundedText(outputLimit);
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout.add(chunk), output.add(chunk)));
    child.stderr.on('data', (chunk: Buffer) => output.add(chunk));
    const finish = (result: Pick<ProcessResult, 'code' | 'startError'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ ...result, stdout: stdout.text(), output: output.text(), timedOut });
    };
    child.on('error', (error) => finish({ code: null, startError: error.message }));
    // A background process the program leaves behind may keep the pipes open: 'exit' decides, 'close' only waits a bit.
    child.on('close', (code) => finish({ code }));
    child.on('exit', (code) => void setTimeout(() => finish({ code }), 500).unref());
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Text that keeps only its last `limit` bytes and says how many it dropped. */
class BoundedText {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;
  constructor(limit: number) {
    this.#limit = limit;
  }
  add(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#limit && this.#chunks.length > 0) {
      const over = this.#size - this.#limit;
      const first = this.#chunks[0]!;
      if (first.length <= over) {
        this.#chunks.shift();
        this.#size -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[0] = first.subarray(over);
        this.#size -= over;
        this.#dropped += over;
      }
    }
  }
  text(): string {
    const body = Buffer.concat(this.#chunks).toString('utf8');
    return this.#dropped > 0 ? `[${this.#dropped} bytes of earlier output dropped]\n${body}` : body;
  }
}
