/**
 * The real `edge-orch` command (bin/edge-orch) as a user runs it, for tests: a private HOME and CLI config file
 * inside the test's directory, so `login` never touches the machine's own settings.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The edge-orch command, exactly as a user runs it. */
export const EDGE_ORCH = join(import.meta.dirname, '..', '..', 'bin', 'edge-orch');

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface EdgeOrchCli {
  /** The CLI config file `login` writes (EDGE_ORCH_CONFIG). */
  readonly configFile: string;
  /** Runs `edge-orch ...args` in the CLI's working directory; never throws for a non-zero exit. */
  run(args: string[]): Promise<CliResult>;
  /** Like run, but throws (with the output) unless the exit code is 0. */
  ok(args: string[]): Promise<string>;
}

/** `home` holds HOME and the CLI config; commands run in `cwd` (default `home`) with `env` added. */
export function createEdgeOrchCli({ home, cwd = home, env = {} }: { home: string; cwd?: string; env?: NodeJS.ProcessEnv }): EdgeOrchCli {
  const configFile = join(home, 'edge-orch-cli.json');
  const fullEnv = { PATH: process.env['PATH'], HOME: home, EDGE_ORCH_CONFIG: configFile, ...env };
  const cli: EdgeOrchCli = {
    configFile,
    async run(args) {
      try {
        const { stdout, stderr } = await run(EDGE_ORCH, args, { cwd, env: fullEnv, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
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
