import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkAirgapImages } from './link-airgap-images.ts';

const dir = mkdtempSync(join(tmpdir(), 'edge-orch-link-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = 'a'.repeat(64);

describe('linking air-gap images into K3s', () => {
  const readOnly = join(dir, 'usr/share/k3s/images');
  const images = join(dir, 'var/lib/rancher/k3s/agent/images');
  mkdirSync(readOnly, { recursive: true });
  writeFileSync(join(readOnly, 'k3s-airgap-images-amd64.tar.zst'), 'B');

  it("replaces an earlier image's file of the same name with a link to the image's, and leaves images already there", async () => {
    mkdirSync(images, { recursive: true });
    writeFileSync(join(images, 'k3s-airgap-images-amd64.tar.zst'), 'A');
    writeFileSync(join(images, 'calico.tar.zst'), 'calico');
    const source = join(readOnly, 'k3s-airgap-images-amd64.tar.zst');
    const links = await linkAirgapImages(
      [
        { path: source, sha256 },
        { path: join(images, 'calico.tar.zst'), sha256 },
      ],
      images,
    );
    expect(links).toEqual([join(images, 'k3s-airgap-images-amd64.tar.zst')]);
    expect(readlinkSync(links[0]!)).toBe(source);
    expect(readFileSync(links[0]!, 'utf8')).toBe('B');
    expect(readFileSync(join(images, 'calico.tar.zst'), 'utf8')).toBe('calico');
    // A second run finds the link in place.
    expect(await linkAirgapImages([{ path: source, sha256 }], images)).toEqual(links);
  });

  it('refuses two images that would have the same name in the images directory', async () => {
    await expect(
      linkAirgapImages(
        [
          { path: join(readOnly, 'k3s-airgap-images-amd64.tar.zst'), sha256 },
          { path: join(images, 'k3s-airgap-images-amd64.tar.zst'), sha256 },
        ],
        images,
      ),
    ).rejects.toMatchObject({ code: 'K3sArtifactMismatch' });
  });
});
