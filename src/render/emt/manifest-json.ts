/** The text of an image's manifest.json (build/<image>/manifest.json and /etc/edge-orch/image-manifest.json in the image). */
import type { ImageManifest } from '../../domain/inventory/image-manifest.ts';

export function renderImageManifest(manifest: ImageManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
