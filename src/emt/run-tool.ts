/**
 * Runs one image build tool (rpmbuild, createrepo_c, dnf, rpm, mksquashfs) through the shared process runner,
 * and turns every failure into BuildToolFailed naming the command and the end of its output.
 */
import { AppError } from '../domain/errors.ts';
import { runProcess } from '../system/run-process.ts';

export interface ToolRun {
  stdout: string;
}

export interface RunToolOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** rpm queries of a whole image root print a lot: keep all of it. */
const OUTPUT_LIMIT = 64 * 1024 * 1024;

const tail = (text: string, lines = 8): string => text.trim().split('\n').slice(-lines).join('\n');

export async function runTool(
  argv: readonly string[],
  { env = toolEnv(), cwd, timeoutMs = 600_000 }: RunToolOptions = {},
): Promise<ToolRun> {
  const [command] = argv;
  if (!command) throw new Error('runTool needs a command');
  const run = await runProcess(argv, { env, timeoutMs, outputLimit: OUTPUT_LIMIT, ...(cwd ? { cwd } : {}) });
  if (run.code === 0) return { stdout: run.stdout };
  const detail =
    run.startError !== undefined
      ? /\bENOENT\b/.test(run.startError)
        ? `${command} is not installed (not found on PATH); install it (Debian: rpm, createrepo-c, dnf, squashfs-tools)`
        : `${command} could not be started: ${run.startError}`
      : run.timedOut
        ? `${command} did not finish within ${timeoutMs / 1000} s and was stopped`
        : `${command} exited with code ${String(run.code)}; output ends with: ${tail(run.output) || '(no output)'}`;
  throw new AppError('BuildToolFailed', detail, { extra: { command: argv.join(' ') } });
}

/** A minimal environment for the tools: this PATH, C locale, and `home` as HOME (where ~/.rpmmacros is read). */
export function toolEnv(home?: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    HOME: home ?? process.env['HOME'] ?? '/',
  };
}
