/** Revoking an enrollment token: no agent enrolls with it any more; hosts it enrolled keep their credentials. */
import type { UseCaseDeps } from './use-case-deps.ts';

export async function revokeEnrollmentToken(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, id }: { project: string; id: string },
): Promise<void> {
  await store.agents.deleteEnrollmentToken(project, id);
}
