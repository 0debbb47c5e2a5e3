/**
 * The lint and format checks the test command runs must be able to fail: an upward import, I/O in a pure
 * layer and an unformatted file are each refused by the project's own configuration.
 */
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: ROOT });

async function ruleIdsFor(file: string, text: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(text, { filePath: resolve(ROOT, file) });
  return result!.messages.map((m) => m.ruleId);
}

describe('lint configuration', () => {
  it('refuses an import from an outer layer into the domain', async () => {
    const ids = await ruleIdsFor(
      'src/domain/inventory/upward.ts',
      "import type { Store } from '../../store/store.ts';\nexport type S = Store;\n",
    );
    expect(ids).toEqual(['import-x/no-restricted-paths']);
  });

  it('keeps the shared Node I/O layer below the agent and the image side', async () => {
    const ids = await ruleIdsFor('src/system/upward.ts', "import { runAgent } from '../agent/agent.ts';\nexport const r = runAgent;\n");
    expect(ids).toEqual(['import-x/no-restricted-paths']);
  });

  it('refuses the agent importing the server side', async () => {
    const ids = await ruleIdsFor('src/agent/upward.ts', "import { buildApp } from '../api/app.ts';\nexport const b = buildApp;\n");
    expect(ids).toEqual(['import-x/no-restricted-paths']);
  });

  it('refuses I/O, the environment and dynamic imports in a pure layer', async () => {
    const text = [
      "import { readFileSync } from 'node:fs/promises';",
      "import Database from 'better-sqlite3';",
      'export const r = [readFileSync, Database];',
      "export const os = () => import('node:os');",
      "export const env = process.env['X'];",
      "export const get = () => fetch('http://x');",
    ].join('\n');
    const ids = await ruleIdsFor('src/render/io.ts', `${text}\n`);
    expect(ids).toEqual([
      'no-restricted-imports',
      'no-restricted-imports',
      'no-restricted-syntax',
      'no-restricted-globals',
      'no-restricted-globals',
    ]);
  });

  it('lets a pure layer import inward and tests read files', async () => {
    expect(
      await ruleIdsFor('src/render/inward.ts', "import type { Host } from '../domain/inventory/host.ts';\nexport type H = Host;\n"),
    ).toEqual([]);
    expect(await ruleIdsFor('src/domain/x.test.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual(
      [],
    );
  });
});

describe('format configuration', () => {
  it('refuses an unformatted file and accepts its formatted form', async () => {
    const options = { ...(await prettier.resolveConfig(resolve(ROOT, 'src/x.ts'))), filepath: resolve(ROOT, 'src/x.ts') };
    const messy = 'export const  x = {a:1,\n b:"two"}\n';
    expect(await prettier.check(messy, options)).toBe(false);
    expect(await prettier.check(await prettier.format(messy, options), options)).toBe(true);
  });
});
