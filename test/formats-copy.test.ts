/** The committed copy of ../shared/formats is byte-identical to the original wherever the original is present. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS_DIR, SHARED_FORMATS_DIR } from './support/formats.ts';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

describe('the committed copy of the shared formats', () => {
  it('holds the shared templates and OS profiles', () => {
    expect(filesUnder(FORMATS_DIR)).toEqual(
      expect.arrayContaining(['templates/baseline-k3s-v0.0.4.json', 'os-profiles/microvisor-nonrt.yaml']),
    );
  });

  it.skipIf(!existsSync(SHARED_FORMATS_DIR))('is byte-identical to ../shared/formats', () => {
    const shared = filesUnder(SHARED_FORMATS_DIR);
    expect(filesUnder(FORMATS_DIR)).toEqual(shared);
    for (const file of shared)
      expect(readFileSync(join(FORMATS_DIR, file)).equals(readFileSync(join(SHARED_FORMATS_DIR, file))), file).toBe(true);
  });
});
