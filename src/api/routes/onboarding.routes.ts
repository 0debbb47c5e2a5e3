/** A project's onboarding setting: whether enrolling hosts onboard at once or wait for approval. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { OnboardingSettings } from '../../contract/onboarding.schema.ts';
import { setProjectOnboarding } from '../../workflow/use-cases/set-project-onboarding.ts';
import type { ApiDeps } from '../app.ts';

export const onboardingRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  app.get(
    '/onboarding',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: "The project's onboarding setting",
        params: ProjectParams,
        response: { 200: OnboardingSettings, ...problemResponses() },
      },
    },
    async (request) => ({ autoOnboard: await deps.store.projects.getAutoOnboard(request.params.project) }),
  );

  app.put(
    '/onboarding',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['hosts'],
        summary: 'Set whether enrolling hosts onboard automatically or wait for approval (a host registered with autoOnboard overrides it)',
        params: ProjectParams,
        body: OnboardingSettings,
        response: { 200: OnboardingSettings, ...problemResponses() },
      },
    },
    async (request) => setProjectOnboarding(deps, { ...request.params, ...request.body }),
  );
};
