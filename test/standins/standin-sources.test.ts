import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdDecompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { renderAirgapImages, renderPaddedAirgapImages, renderPaddedK3sStandin } from './standin-sources.ts';

const dir = mkdtempSync(join(tmpdir(), 'standin-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stand-ins of real K3s sizes', () => {
  it('pads the k3s stand-in to the size asked with incompressible bytes, and it still runs with its arguments', async () => {
    const binary = await renderPaddedK3sStandin({ version: 'v1.33.5+k3s1' }, 300_000);
    expect(binary.length).toBe(300_000);
    expect(gzipSync(binary).length / binary.length).toBeGreaterThan(0.95);
    const file = join(dir, 'k3s');
    writeFileSync(file, binary, { mode: 0o755 });
    expect(execFileSync(file, ['--version'], { encoding: 'utf8' })).toBe('k3s version v1.33.5+k3s1 (standin)\ngo version standin\n');
    expect(() => execFileSync(file, ['etcd-snapshot'], { stdio: 'pipe' })).toThrow(/etcd-snapshot: not supported by the stand-in/);
  });

  it('pads the air-gap tarball with a zstd skippable frame: same size as asked, same archive when decompressed', () => {
    const options = { version: 'v1.32.4+k3s1' };
    const padded = renderPaddedAirgapImages(options, 200_000);
    expect(padded.length).toBe(200_000);
    expect(gzipSync(padded).length / padded.length).toBeGreaterThan(0.95);
    expect(zstdDecompressSync(padded)).toEqual(zstdDecompressSync(renderAirgapImages(options)));
  });
});
