/**
 * File helpers of the image side: sha256 of a file, and writes that never leave a half-written result
 * (a temporary file or directory next to the target, renamed into place at the end).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../domain/errors.ts';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256 of a file, or null when it does not exist. */
export async function sha256FileOrNull(path: string): Promise<string | null> {
  try {
    return await sha256File(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw error;
  }
}

/** A sibling path for temporary work: `.<name>.tmp-<random>` in the same directory (so rename is atomic). */
export const siblingTempPath = (target: string): string =>
  join(dirname(target), `.${basename(target)}.tmp-${randomBytes(4).toString('hex')}`);

/** Writes `content` to a temporary sibling and renames it over `path`. */
export async function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = siblingTempPath(path);
  try {
    await writeFile(temp, content, { mode });
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Puts the finished directory `temp` at `target`: an existing `target` is moved aside first and removed once
 * the new one is in place, so `target` is at every moment either the old or the new result.
 */
export async function replaceDirectory(temp: string, target: string): Promise<void> {
  const old = siblingTempPath(`${target}.old`);
  let moved = false;
  try {
    await rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(temp, target);
  } catch (error) {
    if (moved) await rename(old, target);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

/** Fails with InvalidField naming `field` when `path` is not a readable directory. */
export async function requireDirectory(path: string, field: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) throw new AppError('InvalidField', `${field} ${path} is not a directory`, { field });
}
