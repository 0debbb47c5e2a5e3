/** API token secrets: random, prefixed so they are recognizable in a leak scan, stored only as sha256. */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'eo_';

export function createTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
