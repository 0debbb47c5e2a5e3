/**
 * Time-ordered ids: a millisecond timestamp, a per-process counter and randomness, in base 36. Ordering by id is
 * creation order (within one process exactly, across replicas to the millisecond), which cursors rely on.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function createId(): string {
  const now = Date.now();
  counter = now === lastMs ? counter + 1 : 0;
  lastMs = now;
  return `${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(5).toString('hex')}`;
}

export const nowIso = (): string => new Date().toISOString();
