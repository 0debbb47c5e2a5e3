import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File } from './sha256-file.ts';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'edge-orch-sha-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('sha256File', () => {
  it("is the hex sha256 of the file's bytes", async () => {
    await writeFile(join(dir, 'hello'), 'hello\n');
    expect(await sha256File(join(dir, 'hello'))).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    await writeFile(join(dir, 'empty'), '');
    expect(await sha256File(join(dir, 'empty'))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is null when there is no file at the path', async () => {
    expect(await sha256File(join(dir, 'missing'))).toBeNull();
    expect(await sha256File(dir)).toBeNull();
  });

  it('fails on other errors rather than calling the file missing', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(sha256File(join(dir, 'file', 'below'))).rejects.toThrow(/ENOTDIR/);
  });
});
