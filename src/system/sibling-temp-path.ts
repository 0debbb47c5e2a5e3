/**
 * A name for temporary work next to a target: in the same directory, so the final rename is atomic (same file
 * system), hidden, and random, so that concurrent writers and a name planted in advance do not collide with it.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** `.<name>.tmp-<random>` beside `target`. */
export const siblingTempPath = (target: string): string =>
  join(dirname(target), `.${basename(target)}.tmp-${randomBytes(4).toString('hex')}`);
