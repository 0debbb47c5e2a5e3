/**
 * Writing a file so that readers see the old content or the new, never half of it, and so that a symlink planted
 * at the path is replaced rather than followed (the agent writes as root into directories others may write).
 */
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { siblingTempPath } from './sibling-temp-path.ts';

/**
 * Writes `content` to a new temporary sibling (created exclusively, with `mode` whatever the umask) and renames it
 * over `path`; missing parent directories are created 0755. On failure the temporary file is removed.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, { mode = 0o644 }: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const temporary = siblingTempPath(path);
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
