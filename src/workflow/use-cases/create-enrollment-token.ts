/** Creating an enrollment token agents of a project enroll with: stored only as its hash and shown once. */
import { parseExpiresAt, type EnrollmentToken } from '../../domain/enrollment/enrollment.ts';
import { createTokenSecret, hashTokenSecret } from '../token-secret.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The token and its secret, which nothing can show again. Without `expiresAt` it never expires; without `maxUses` it enrolls any number of hosts. */
export async function createEnrollmentToken(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, name, expiresAt, maxUses }: { project: string; name: string; expiresAt?: string; maxUses?: number },
): Promise<EnrollmentToken & { token: string }> {
  const secret = createTokenSecret();
  const token = await store.agents.createEnrollmentToken({
    project,
    name,
    secretHash: hashTokenSecret(secret),
    expiresAt: parseExpiresAt(expiresAt, new Date()),
    maxUses: maxUses ?? null,
  });
  return { ...token, token: secret };
}
