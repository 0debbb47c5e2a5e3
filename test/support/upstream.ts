/**
 * Third-party files the tests run as they are, read from ../shared/upstream next to the project's root (see the
 * README there; never copied into the project). Where that folder is absent (a clone on its own), the project's
 * stand-in is used instead and the caller says so in its output.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderInstallScriptStandin, STANDIN_DIR } from '../standins/standin-sources.ts';

export const UPSTREAM_DIR = resolve(import.meta.dirname, '../../../shared/upstream');

export interface InstallScriptSource {
  text: string;
  /** Where the script was read from, for the test output. */
  path: string;
  upstream: boolean;
}

/** K3s's real install script (k3s-io/k3s install.sh), or the project's stand-in where ../shared/upstream is absent. */
export async function readK3sInstallScript(): Promise<InstallScriptSource> {
  const path = join(UPSTREAM_DIR, 'k3s', 'install.sh');
  if (existsSync(path)) return { text: await readFile(path, 'utf8'), path, upstream: true };
  return { text: await renderInstallScriptStandin(), path: join(STANDIN_DIR, 'install.sh'), upstream: false };
}
