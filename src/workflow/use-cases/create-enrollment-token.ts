/** Creating an enrollment token agents of a project enroll with: stored only as its hash and shown once. */
import type { EnrollmentToken } from '../../store/agent-store.ts';
import { createTokenSecret, hashTokenSecret } from '../token-secret.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** The token and its secret, which nothing can show again. */
export async function createEnrollmentToken(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, name }: { project: string; name: string },
): Promise<EnrollmentToken & { token: string }> {
  const secret = createTokenSecret();
  const token = await store.agents.createEnrollmentToken({ project, name, secretHash: hashTokenSecret(secret) });
  return { ...token, token: secret };
}
