/**
 * A project's onboarding setting (whether enrolling hosts onboard at once or wait for approval) and its lobby of
 * unknown machines: onboarding requests listed, approved (registering the host) or rejected by onboarding managers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { HostSchema } from '../../contract/host.schema.ts';
import {
  OnboardingApproval,
  OnboardingRequestList,
  OnboardingRequestParams,
  OnboardingRequestQuery,
  OnboardingRequestSchema,
  OnboardingSettings,
} from '../../contract/onboarding.schema.ts';
import { approveOnboardingRequest, rejectOnboardingRequest } from '../../workflow/use-cases/decide-onboarding-request.ts';
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

  app.get(
    '/onboarding-requests',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'The onboarding lobby: unknown machines that enrolled and wait for approval (or were rejected), oldest first',
        params: ProjectParams,
        querystring: OnboardingRequestQuery,
        response: { 200: OnboardingRequestList, ...problemResponses() },
      },
    },
    async (request) => {
      const { state, ...page } = request.query;
      return deps.store.onboardingRequests.list(request.params.project, state ? { state } : {}, page);
    },
  );

  app.post(
    '/onboarding-requests/:id/approve',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary:
          'Approve an unknown machine: it is registered as a host (named from its serial, or as given) and its waiting enrollment onboards it',
        params: OnboardingRequestParams,
        body: OnboardingApproval,
        response: { 200: HostSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => {
      const { project, id } = request.params;
      const host = await approveOnboardingRequest(deps, { project, id, name: request.body.name });
      request.auditTarget = { host: host.name };
      return host;
    },
  );

  app.post(
    '/onboarding-requests/:id/reject',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        summary: 'Reject an unknown machine: it is refused whenever it enrolls again (registering a host with its identity lets it in)',
        params: OnboardingRequestParams,
        response: { 200: OnboardingRequestSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => rejectOnboardingRequest(deps, request.params),
  );
};
