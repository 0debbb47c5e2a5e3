/**
 * The real `edge-orch` command (bin/edge-orch) as an operator runs it, for end-to-end tests: a private HOME and
 * CLI config file inside the test's directory, so `login` never touches the machine's own settings.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The edge-orch command, exactly as an operator runs it. */
export const EDGE_ORCH = join(import.meta.dirname, '..', '..', '..', 'bin', 'edge-orch');

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface EdgeOrchCli {
  /** Runs `edge-orch ...args` in the CLI's working directory; never throws for a non-zero exit. */
  run(args: string[]): Promise<CliResult>;
  /** Like run, but throws (with the output) unless the exit code is 0. */
  ok(args: string[]): Promise<string>;
}

/** `home` holds HOME and the CLI config (EDGE_ORCH_CONFIG); commands run in `cwd` (default `home`). */
export function createEdgeOrchCli({ home, cwd = home }: { home: string; cwd?: string }): EdgeOrchCli {
  const env = { PATH: process.env['PATH'], HOME: home, EDGE_ORCH_CONFIG: join(home, 'edge-orch-cli.json') };
  const cli: EdgeOrchCli = {
    async run(args) {
      try {
        const { stdout, stderr } = await run(EDGE_ORCH, args, { cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
        return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr || e.message };
      }
    },
    async ok(args) {
      const result = await cli.run(args);
      if (result.code !== 0) throw new Error(`edge-orch ${args.join(' ')} exited with ${result.code}:\n${result.stderr}\n${result.stdout}`);
      return result.stdout;
    },
  };
  return cli;
}
