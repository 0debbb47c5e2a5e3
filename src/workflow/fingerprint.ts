/** A short, stable fingerprint of a JSON value: equal exactly when the values serialize alike. */
import { createHash } from 'node:crypto';

/** sha256 of the value's JSON, as 32 hex characters. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}
