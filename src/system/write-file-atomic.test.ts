import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.ts';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'edge-orch-write-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates parent directories and sets the mode whatever the umask', async () => {
    const path = join(dir, 'a', 'b', 'config.yaml');
    await writeFileAtomic(path, 'x: 1\n', { mode: 0o600 });
    expect(await readFile(path, 'utf8')).toBe('x: 1\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o755);
  });

  it('writes bytes as they are and is 0644 unless told otherwise', async () => {
    await writeFileAtomic(join(dir, 'blob'), Buffer.from([0, 255, 10]));
    expect([...(await readFile(join(dir, 'blob')))]).toEqual([0, 255, 10]);
    expect((await stat(join(dir, 'blob'))).mode & 0o777).toBe(0o644);
  });

  it('replaces an existing file whole and leaves no temporary file behind', async () => {
    await writeFile(join(dir, 'file'), 'old content that is longer');
    await writeFileAtomic(join(dir, 'file'), 'new');
    expect(await readFile(join(dir, 'file'), 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('replaces a symlink planted at the path instead of writing through it', async () => {
    await writeFile(join(dir, 'target'), 'precious');
    await symlink(join(dir, 'target'), join(dir, 'link'));
    await writeFileAtomic(join(dir, 'link'), Buffer.from('hello'));
    expect((await lstat(join(dir, 'link'))).isFile()).toBe(true);
    expect(await readFile(join(dir, 'link'), 'utf8')).toBe('hello');
    expect(await readFile(join(dir, 'target'), 'utf8')).toBe('precious');
  });

  it('fails without leaving anything when the path cannot be replaced', async () => {
    await writeFile(join(dir, 'keep'), 'x');
    await expect(writeFileAtomic(join(dir, 'keep', 'below'), 'y')).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(writeFileAtomic(dir, 'y')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(dir)).toEqual(['keep']);
  });
});
