/**
 * Southbound routes for agents. Enrollment trades a project enrollment token for a per-host credential;
 * after that an agent sees and changes only its own host: it pulls its desired state and reports back.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { parseAgentReport } from '../../domain/bootstrap/agent-report.ts';
import { AppError } from '../../domain/errors.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { READ_FINISHED } from '../../workflow/read-until.ts';
import { hashTokenSecret } from '../../workflow/token-secret.ts';
import { applyAgentReport } from '../../workflow/use-cases/apply-agent-report.ts';
import { createEnrollmentToken } from '../../workflow/use-cases/create-enrollment-token.ts';
import { enrollHost } from '../../workflow/use-cases/enroll-host.ts';
import { revokeEnrollmentToken } from '../../workflow/use-cases/revoke-enrollment-token.ts';
import { loadDesiredState } from '../../workflow/use-cases/load-desired-state.ts';
import { Problem, ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import {
  AgentReportAck,
  AgentReportBody,
  DesiredStateQuery,
  DesiredStateSchema,
  EnrollRequest,
  EnrollResponse,
  EnrollmentTokenCreate,
  EnrollmentTokenCreated,
  EnrollmentTokenList,
  EnrollmentTokenParams,
  RenewResponse,
} from '../../contract/agent.schema.ts';
import { DEFAULT_AGENT_TRUST } from '../../workflow/use-cases/use-case-deps.ts';
import { renewHostCredential } from '../../workflow/use-cases/renew-host-credential.ts';
import type { ApiDeps } from '../app.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agentHost: Host | null;
  }
}

export const HOST_CREDENTIAL_HEADER = 'authorization';

/** Enrollment tokens are managed by onboarding managers in their project. */
export const enrollmentTokenRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  app.post(
    '/enrollment-tokens',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['agents'],
        summary: 'Create an enrollment token agents of this project enroll with',
        params: ProjectParams,
        body: EnrollmentTokenCreate,
        response: { 201: EnrollmentTokenCreated, ...problemResponses() },
      },
    },
    async (request, reply) => reply.code(201).send(await createEnrollmentToken(deps, { ...request.params, ...request.body })),
  );

  app.get(
    '/enrollment-tokens',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['agents'],
        summary: 'List enrollment tokens with their expiry and uses (never their secrets)',
        params: ProjectParams,
        response: { 200: EnrollmentTokenList, ...problemResponses() },
      },
    },
    async (request) => ({ items: await deps.store.agents.listEnrollmentTokens(request.params.project) }),
  );

  app.delete(
    '/enrollment-tokens/:id',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['agents'],
        summary: 'Revoke an enrollment token (hosts it enrolled keep their credentials)',
        params: EnrollmentTokenParams,
        response: { 204: Type.Null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      await revokeEnrollmentToken(deps, request.params);
      return reply.code(204).send(null);
    },
  );
};

export const agentRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  const { caCertificate } = deps.agentTrust ?? DEFAULT_AGENT_TRUST;
  app.decorateRequest('agentHost', null);
  app.addHook('onRequest', async function authenticateHost(request) {
    if (request.routeOptions.config?.permission !== 'agent') return;
    const header = request.headers[HOST_CREDENTIAL_HEADER];
    const secret = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!secret) throw new AppError('Unauthenticated', 'send the host credential from enrollment as "Authorization: Bearer <credential>"');
    const host = await store.agents.findHostByCredential(hashTokenSecret(secret));
    if (!host)
      throw new AppError(
        'Unauthenticated',
        'the host credential is not valid (unknown, expired, replaced by a newer enrollment or renewal, or the host was deleted)',
      );
    request.agentHost = host;
  });

  // Held requests (long-polls) answer at once when the server closes, or closing would wait for each of them.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  /** Aborts when the server closes or the agent hangs up: a held request then answers with what it has. */
  function heldRequestSignal(reply: FastifyReply): AbortSignal {
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort(READ_FINISHED));
    return AbortSignal.any([closing.signal, gone.signal]);
  }

  app.post(
    '/enroll',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['agents'],
        summary: 'Enroll an agent: enrollment token + machine identity → host credential',
        description:
          'A host that already has a credential is never enrolled again (409, HostAlreadyEnrolled) until its credential is reset; a host whose onboarding needs approval waits (403, AwaitingApproval) until approved. In a project whose hosts wait for approval, a machine that matches no registered host waits in the onboarding lobby (403, AwaitingApproval, with `onboardingRequest`) until approved, or is refused for good once rejected (403, OnboardingRejected); a full lobby answers 429 (OnboardingLobbyFull).',
        security: [],
        body: EnrollRequest,
        response: { 200: EnrollResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const { waitSeconds = 0, ...identity } = request.body;
      request.auditTarget = {
        ...(identity.uuid !== undefined ? { uuid: identity.uuid } : {}),
        ...(identity.serial !== undefined ? { serial: identity.serial } : {}),
      };
      const { host, credential, expiresAt } = await enrollHost(deps, {
        ...identity,
        waitMs: waitSeconds * 1000,
        signal: heldRequestSignal(reply),
        onToken: (token) => {
          request.auditActor = {
            project: token.project,
            actor: { kind: 'enrollment-token', tokenId: token.id, tokenName: token.name, role: null },
          };
        },
      });
      request.auditTarget = { ...request.auditTarget, host: host.name };
      request.log.info({ host: host.id, project: host.project }, 'agent enrolled');
      return { project: host.project, hostId: host.id, hostName: host.name, credential, credentialExpiresAt: expiresAt, caCertificate };
    },
  );

  app.post(
    '/renew',
    {
      config: { permission: 'agent' },
      schema: {
        tags: ['agents'],
        summary: "Trade the host's credential, before it expires, for a new one",
        response: { 200: RenewResponse, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { credential, expiresAt } = await renewHostCredential(deps, request.agentHost!);
      request.log.info({ host: request.agentHost!.id }, 'host credential renewed');
      return { credential, credentialExpiresAt: expiresAt, caCertificate };
    },
  );

  app.get(
    '/desired-state',
    {
      config: { permission: 'agent' },
      schema: {
        tags: ['agents'],
        summary: "The host's desired state; waits (long-poll) while it equals `revision`",
        querystring: DesiredStateQuery,
        response: { 200: DesiredStateSchema, 400: Problem, 401: Problem },
      },
    },
    async (request, reply) => {
      const { project, id: hostId } = request.agentHost!;
      const { revision, waitSeconds = 25 } = request.query;
      return loadDesiredState(deps, { project, hostId, revision, waitMs: waitSeconds * 1000, signal: heldRequestSignal(reply) });
    },
  );

  app.post(
    '/report',
    {
      config: { permission: 'agent' },
      schema: {
        tags: ['agents'],
        summary: "Report the host's OS and its cluster's phase (with the kubeconfig when ready)",
        description: 'A report about a cluster the host is not a node of is refused (403, NotHostsCluster).',
        body: AgentReportBody,
        response: { 200: AgentReportAck, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const { project, id: hostId } = request.agentHost!;
      await applyAgentReport(deps, { project, hostId, report: parseAgentReport(request.body) });
      return { accepted: true };
    },
  );
};
