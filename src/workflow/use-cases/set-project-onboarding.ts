/** The project's onboarding setting (EMF's "Onboard automatically"): off, enrolling hosts wait for approval. */
import type { UseCaseDeps } from './use-case-deps.ts';

export async function setProjectOnboarding(
  { store }: Pick<UseCaseDeps, 'store'>,
  { project, autoOnboard }: { project: string; autoOnboard: boolean },
): Promise<{ autoOnboard: boolean }> {
  await store.projects.setAutoOnboard(project, autoOnboard);
  return { autoOnboard };
}
