/**
 * Directory helpers of the image side: results are composed in a temporary sibling and put in place whole, so a
 * failure never leaves a half-written result (files go through system/write-file-atomic.ts).
 */
import { rename, rm, stat } from 'node:fs/promises';
import { AppError } from '../domain/errors.ts';
import { siblingTempPath } from '../system/sibling-temp-path.ts';

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
