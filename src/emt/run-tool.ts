/**
 * Runs one image build tool (rpmbuild, createrepo_c, dnf, rpm, mksquashfs) with an argv array, never a shell
 * string, and turns every failure into BuildToolFailed naming the command and the end of its output.
 */
import { execFile } from 'node:child_process';
import { AppError } from '../domain/errors.ts';

export interface ToolRun {
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

const tail = (text: string, lines = 8): string => text.trim().split('\n').slice(-lines).join('\n');

export function runTool(argv: readonly string[], { env = toolEnv(), cwd, timeoutMs = 600_000 }: RunToolOptions = {}): Promise<ToolRun> {
  const [command, ...args] = argv;
  if (!command) throw new Error('runTool needs a command');
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env, ...(cwd ? { cwd } : {}), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const e = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        const detail =
          e.code === 'ENOENT'
            ? `${command} is not installed (not found on PATH); install it (Debian: rpm, createrepo-c, dnf, squashfs-tools)`
            : e.killed
              ? `${command} did not finish within ${timeoutMs / 1000} s and was stopped`
              : `${command} exited with code ${String(e.code)}; output ends with: ${tail(`${stdout}\n${stderr}`) || '(no output)'}`;
        reject(new AppError('BuildToolFailed', detail, { cause: error, extra: { command: argv.join(' ') } }));
      },
    );
  });
}

/** A minimal environment for the tools: this PATH, C locale, and `home` as HOME (where ~/.rpmmacros is read). */
export function toolEnv(home?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    ...(home ? { HOME: home } : { HOME: process.env['HOME'] ?? '/' }),
  };
}
