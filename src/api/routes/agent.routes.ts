/**
 * Southbound routes for agents. Enrollment trades a project enrollment token for a per-host credential;
 * after that an agent sees and changes only its own host: it pulls its desired state and reports back.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { computeReportEffects, parseAgentReport } from '../../domain/bootstrap/agent-report.ts';
import { computeDesiredState, type DesiredState } from '../../domain/bootstrap/desired-state.ts';
import type { MirrorUrl } from '../../domain/bootstrap/mirror-url.ts';
import { AppError } from '../../domain/errors.ts';
import { parseHostRegistration, type Host, type HostRegistration } from '../../domain/inventory/host.ts';
import type { Store } from '../../store/store.ts';
import type { HostEvents } from '../../workflow/host-events.ts';
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
} from '../../contract/agent.schema.ts';
import { createTokenSecret, hashTokenSecret } from '../token-secret.ts';
import type { ApiDeps } from '../app.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agentHost: Host | null;
  }
}

/** How often a waiting long-poll re-reads the store, to see changes made by other replicas. */
const RECHECK_MS = 5_000;

export const HOST_CREDENTIAL_HEADER = 'authorization';

/** Enrollment tokens are managed by onboarding managers in their project. */
export const enrollmentTokenRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
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
    async (request, reply) => {
      const secret = createTokenSecret();
      const token = await store.agents.createEnrollmentToken({
        project: request.params.project,
        name: request.body.name,
        secretHash: hashTokenSecret(secret),
      });
      return reply.code(201).send({ ...token, token: secret });
    },
  );
};

export async function computeHostDesiredState(store: Store, host: Host, mirrorUrl: MirrorUrl | undefined): Promise<DesiredState> {
  const [instance, cluster] = await Promise.all([
    store.instances.findByHost(host.project, host.id),
    store.clusters.findByHost(host.project, host.id),
  ]);
  const [template, osProfile] = cluster
    ? await Promise.all([store.templates.find(host.project, cluster.template), store.osProfiles.find(host.project, cluster.osProfile)])
    : [null, null];
  const state = computeDesiredState({ revision: 0, host, instance, cluster, template, osProfile, ...(mirrorUrl ? { mirrorUrl } : {}) });
  return state;
}

/** The revision is a fingerprint of the desired state: it changes exactly when what the agent must do changes. */
function fingerprint(state: DesiredState): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...state, revision: 0 }))
    .digest('hex')
    .slice(0, 32);
}

export const agentRoutes: FastifyPluginAsyncTypebox<ApiDeps & { events: HostEvents; mirrorUrl?: MirrorUrl }> = async (
  app,
  { store, events, mirrorUrl },
) => {
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
        'the host credential is not valid (unknown, replaced by a newer enrollment, or the host was deleted)',
      );
    request.agentHost = host;
  });

  // Held requests (long-polls) answer at once when the server closes, or closing would wait for each of them.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  /** Aborts when the server closes or the agent hangs up: a held request then answers with what it has. */
  function heldRequestSignal(reply: FastifyReply): AbortSignal {
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    return AbortSignal.any([closing.signal, gone.signal]);
  }

  /** The registered host with this identity; waits up to `waitMs` for it to be registered (agents start first). */
  async function waitForHost(
    project: string,
    identity: Pick<HostRegistration, 'uuid' | 'serial'>,
    waitMs: number,
    reply: FastifyReply,
  ): Promise<Host | null> {
    const deadline = Date.now() + waitMs;
    const gone = { signal: heldRequestSignal(reply) };
    for (;;) {
      const host = await store.hosts.findByIdentity(project, identity);
      const remaining = deadline - Date.now();
      if (host || remaining <= 0 || gone.signal.aborted) return host;
      // Registrations in this process wake the wait; other replicas' are seen at the next re-check.
      await events.waitForRegistration(project, Math.min(remaining, RECHECK_MS), gone.signal);
    }
  }

  app.post(
    '/enroll',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['agents'],
        summary: 'Enroll an agent: enrollment token + machine identity → host credential',
        security: [],
        body: EnrollRequest,
        response: { 200: EnrollResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const token = await store.agents.findEnrollmentToken(hashTokenSecret(request.body.enrollmentToken));
      if (!token) throw new AppError('Unauthenticated', 'the enrollment token is not valid');
      const identity = parseHostRegistration({ uuid: request.body.uuid, serial: request.body.serial });
      const host = await waitForHost(token.project, identity, (request.body.waitSeconds ?? 0) * 1000, reply);
      if (!host) {
        throw new AppError(
          'NotFound',
          `no host with ${[identity.uuid && `uuid ${identity.uuid}`, identity.serial && `serial ${identity.serial}`].filter(Boolean).join(' or ')} is registered in project ${token.project}; register it first`,
        );
      }
      if (host.state === 'deauthorized') throw new AppError('Forbidden', `host ${host.name} is deauthorized and may not enroll`);
      const credential = createTokenSecret();
      await store.agents.setHostCredential(host.project, host.id, hashTokenSecret(credential));
      if (host.state === 'registered') await store.hosts.setState(host.project, host.id, 'onboarded');
      events.changed(host.project, host.id);
      request.log.info({ host: host.id, project: host.project }, 'agent enrolled');
      return { project: host.project, hostId: host.id, hostName: host.name, credential };
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
      const { project, id } = request.agentHost!;
      const deadline = Date.now() + (request.query.waitSeconds ?? 25) * 1000;
      const gone = { signal: heldRequestSignal(reply) };
      for (;;) {
        const host = await store.hosts.get(project, id);
        const state = await computeHostDesiredState(store, host, mirrorUrl);
        const revision = fingerprint(state);
        const remaining = deadline - Date.now();
        if (revision !== request.query.revision || remaining <= 0 || gone.signal.aborted) return { ...state, revision };
        await events.waitForChange(project, id, Math.min(remaining, RECHECK_MS), gone.signal);
      }
    },
  );

  app.post(
    '/report',
    {
      config: { permission: 'agent' },
      schema: {
        tags: ['agents'],
        summary: "Report the host's OS and its cluster's phase (with the kubeconfig when ready)",
        body: AgentReportBody,
        response: { 200: AgentReportAck, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { project, id } = request.agentHost!;
      const report = parseAgentReport(request.body);
      await store.transaction(async (tx) => {
        const host = await tx.hosts.get(project, id);
        const [instance, cluster] = await Promise.all([tx.instances.findByHost(project, id), tx.clusters.findByHost(project, id)]);
        const effects = computeReportEffects({ host, instance, cluster, report });
        if (instance && effects.observedOsProfile !== undefined)
          await tx.instances.setObserved(project, instance.id, effects.observedOsProfile);
        if (cluster && effects.cluster) {
          if ('delete' in effects.cluster) await tx.clusters.delete(project, cluster.name);
          else {
            await tx.clusters.update(project, cluster.name, { phase: effects.cluster.phase, message: effects.cluster.message });
            if (effects.cluster.kubeconfig) await tx.clusters.setKubeconfig(project, cluster.name, effects.cluster.kubeconfig);
          }
        }
        if (effects.hostState) await tx.hosts.setState(project, id, effects.hostState);
      });
      events.changed(project, id);
      return { accepted: true };
    },
  );
};
