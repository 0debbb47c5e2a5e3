/** `--expires-in 30d` or `--expires-at <ISO time>` → the `expiresAt` a token is created with (the server checks it). */
import { invalidField } from '../domain/errors.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function readExpiryFlags(
  { expiresIn, expiresAt }: { expiresIn?: string; expiresAt?: string },
  now = new Date(),
): { expiresAt?: string } {
  if (expiresIn !== undefined && expiresAt !== undefined) throw invalidField('--expires-in', 'give --expires-in or --expires-at, not both');
  if (expiresAt !== undefined) return { expiresAt };
  if (expiresIn === undefined) return {};
  const match = /^([1-9]\d{0,5})([mhd])$/.exec(expiresIn);
  if (!match)
    throw invalidField(
      '--expires-in',
      `--expires-in ${JSON.stringify(expiresIn)} is not a duration; expected a number and m, h or d, like 90m, 12h or 30d`,
    );
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return { expiresAt: new Date(now.getTime() + ms).toISOString() };
}
