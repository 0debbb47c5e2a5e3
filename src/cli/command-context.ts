/**
 * What every command action gets: the API client (built lazily from flags/env/login file), the output format,
 * and printing. `runAction` turns errors into one `error: …` line and an exit code, never a stack trace.
 */
import type { Command } from 'commander';
import { isAppError } from '../domain/errors.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { computeExitCode } from './exit-code.ts';
import { readCaFile } from '../system/read-ca-file.ts';
import { readCliConfig } from './cli-config.ts';
import { parseOutputFormat, type OutputFormat } from './output/output.ts';
import { stripControlCharacters } from './output/terminal-text.ts';

export interface CommandContext {
  format: OutputFormat;
  client(): ApiClient;
  print(text: string): void;
}

interface GlobalFlags {
  output: string;
  server?: string;
  project?: string;
  token?: string;
  caFile?: string;
}

export function commandContext(command: Command): CommandContext {
  const flags = command.optsWithGlobals<GlobalFlags>();
  let client: ApiClient | undefined;
  return {
    format: parseOutputFormat(flags.output ?? 'table'),
    client: () =>
      (client ??= createApiClient(
        readCliConfig({
          ...(flags.server ? { server: flags.server } : {}),
          ...(flags.project ? { project: flags.project } : {}),
          ...(flags.token ? { token: flags.token } : {}),
          ...(flags.caFile ? { caCertificate: readCaFile(flags.caFile) } : {}),
        }),
      )),
    print: (text) => process.stdout.write(`${stripControlCharacters(text)}\n`),
  };
}

/** Prints an error as `error: <detail> (field: <field>)`; unexpected errors print their message only. */
export function reportError(error: unknown): void {
  if (isAppError(error)) {
    process.stderr.write(stripControlCharacters(`error: ${error.detail}${error.field ? ` (field: ${error.field})` : ''}\n`));
  } else {
    process.stderr.write(stripControlCharacters(`error: ${(error as Error)?.message ?? String(error)}\n`));
  }
}

/** Wraps an action: failures print one line and set the exit code of their class (exit-code.ts). */
export function runAction<A extends unknown[]>(fn: (this: Command, ...args: A) => Promise<void>) {
  return async function action(this: Command, ...args: A): Promise<void> {
    try {
      await fn.apply(this, args);
    } catch (error) {
      reportError(error);
      process.exitCode = computeExitCode(error);
    }
  };
}
