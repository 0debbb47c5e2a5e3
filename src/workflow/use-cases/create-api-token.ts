/** Creating an API token: a new secret, stored only as its hash and shown once. */
import { parseExpiresAt } from '../../domain/enrollment/enrollment.ts';
import type { Role } from '../../domain/roles.ts';
import type { ApiToken } from '../../store/store.ts';
import { createTokenSecret, hashTokenSecret } from '../token-secret.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The token and its secret, which nothing can show again. Without `expiresAt` it works until it is revoked. */
export async function createApiToken(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, role, name, expiresAt }: { project: string; role: Role; name: string; expiresAt?: string },
): Promise<ApiToken & { token: string }> {
  const secret = createTokenSecret();
  const token = await store.tokens.create({
    project,
    role,
    name,
    secretHash: hashTokenSecret(secret),
    expiresAt: parseExpiresAt(expiresAt, new Date()),
  });
  return { ...token, token: secret };
}
