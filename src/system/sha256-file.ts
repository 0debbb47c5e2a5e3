/**
 * The sha256 of a file, streamed (air-gap images and squashfs images are large). The agent checks air-gap images
 * against an install plan with it; the image side signs sources and images with it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex sha256 of the file at `path`; null when there is no file there (missing, or a directory). */
export async function sha256File(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return null;
    throw error;
  }
  return hash.digest('hex');
}
