/**
 * Brings an image's air-gap images into effect. K3s imports what is in its images directory, which on EMT lies on
 * the persistent partition (/var/lib/rancher survives A/B updates, seeded from the image only with files it does
 * not have yet). An image that keeps its air-gap images in its read-only part has them linked there by the agent,
 * after verifyAirGapped checked their bytes; a link or a stale file of an earlier image at the same name is
 * replaced, so K3s always reads the running image's images.
 */
import { mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../domain/errors.ts';
import { EMT_K3S_PATHS } from '../domain/inventory/os-profile.ts';
import type { AirgapImageFile } from '../domain/inventory/image-manifest.ts';
import { siblingTempPath } from '../system/sibling-temp-path.ts';

/** Links every image outside K3s's images directory into it; returns the links made, for the install record. */
export async function linkAirgapImages(
  images: readonly AirgapImageFile[],
  imagesDir: string = EMT_K3S_PATHS.airgapImagesDir,
): Promise<string[]> {
  const outside = images.filter((image) => !image.path.startsWith(`${imagesDir}/`));
  const byName = new Map<string, string>();
  for (const { path } of [...images.filter((image) => image.path.startsWith(`${imagesDir}/`)), ...outside]) {
    const name = basename(path);
    const other = byName.get(name);
    if (other !== undefined)
      throw new AppError(
        'K3sArtifactMismatch',
        `the air-gap images ${other} and ${path} would both be ${imagesDir}/${name}; K3s can load only one`,
      );
    byName.set(name, path);
  }
  if (outside.length > 0) await mkdir(imagesDir, { recursive: true, mode: 0o755 });
  const links: string[] = [];
  for (const { path } of outside) {
    const link = `${imagesDir}/${basename(path)}`;
    if ((await readlink(link).catch(() => null)) !== path) {
      const temporary = siblingTempPath(link);
      try {
        await symlink(path, temporary);
        await rename(temporary, link);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    }
    links.push(link);
  }
  return links;
}
