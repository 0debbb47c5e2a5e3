/**
 * Registration jobs: register hosts (and optionally their instance and single-node cluster) in bulk. POST
 * answers with the job at once; jobs of at most 10 hosts are waited for up to 5 s by default (`?wait=` sets
 * 0–30 s): 201 when the job finished, 202 while it runs. `dryRun: true` checks without writing anything.
 */
import type { FastifyPluginAsyncTypebox, Static } from '@fastify/type-provider-typebox';
import { AppError, invalidFields } from '../../domain/errors.ts';
import { collectHostPlans } from '../../domain/registration/registration-request.ts';
import { computeFailedStep } from '../../domain/registration/registration-steps.ts';
import { isAllowed } from '../../domain/roles.ts';
import { formatTemplateRef } from '../../domain/inventory/template.ts';
import type { RegistrationHostRecord, RegistrationJob, Store } from '../../store/store.ts';
import { checkRegistration } from '../../workflow/check-registration.ts';
import { parseRegistrationInSlices } from '../../workflow/parse-registration-in-slices.ts';
import { createRegistrationJob } from '../../workflow/use-cases/create-registration-job.ts';
import { retryRegistrationJob } from '../../workflow/use-cases/retry-registration-job.ts';
import { isJobDone } from '../../workflow/use-cases/wait-for-job.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import {
  RegistrationCheck,
  RegistrationCreate,
  RegistrationCreateQuery,
  RegistrationHostList,
  RegistrationHostQuery,
  RegistrationJob as RegistrationJobSchema,
  RegistrationJobList,
  RegistrationListQuery,
  RegistrationParams,
} from '../../contract/registration.schema.ts';
import type { ApiDeps } from '../app.ts';
import { streamRegistrationCheck } from '../registration-check-stream.ts';

export function toHostView(record: RegistrationHostRecord) {
  const { plan, progress } = record;
  return {
    index: record.index,
    name: plan.registration.name,
    uuid: plan.registration.uuid,
    serial: plan.registration.serial,
    status: progress.status,
    hostId: progress.steps.find((s) => s.step === 'register-host' && s.status === 'succeeded')?.resourceId ?? null,
    failedStep: computeFailedStep(progress)?.step ?? null,
    osProfile: plan.osProfile,
    template: plan.template ? formatTemplateRef(plan.template) : null,
    cluster: plan.cluster?.name ?? null,
    steps: progress.steps,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    updatedAt: record.updatedAt,
  };
}

/** The job document: the job, its totals and its first page of hosts. */
export async function loadJobDocument(store: Store, project: string, job: RegistrationJob) {
  const page = await store.jobs.listHosts(project, job.id, {}, { limit: 100 });
  return { ...job, hosts: page.items.map(toHostView), hostsNextCursor: page.nextCursor };
}

/** autoCluster creates clusters, so beyond hosts:write the caller needs clusters:write. */
function requireClusterPermission(principal: { role: Parameters<typeof isAllowed>[0] } | null, autoCluster: boolean): void {
  if (!autoCluster || !principal || isAllowed(principal.role, 'clusters:write')) return;
  throw new AppError(
    'Forbidden',
    `defaults/autoCluster creates clusters, which role ${principal.role} may not do (needs clusters:write); register without autoCluster or use a role that has clusters:write`,
    {
      field: 'defaults/autoCluster',
      reason: 'RoleNotAllowed',
      extra: { missingPermission: 'clusters:write' },
    },
  );
}

export const registrationRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  app.post(
    '/registrations',
    {
      config: { permission: 'hosts:write', body: 'bulk' },
      schema: {
        tags: ['registrations'],
        summary: 'Register hosts, optionally with an instance and a single-node cluster each (a job); dryRun checks only',
        description:
          'Answers 202 with the job at once; jobs of at most 10 hosts are waited for up to 5 s by default (wait=0..30 sets it), 201 when the job finished in that time. With dryRun: 200 and what each host would do. autoCluster needs clusters:write too.',
        params: ProjectParams,
        querystring: RegistrationCreateQuery,
        body: RegistrationCreate,
        response: { 200: RegistrationCheck, 201: RegistrationJobSchema, 202: RegistrationJobSchema, ...problemResponses() },
      },
    },
    async (request, reply) => {
      const { project } = request.params;
      const parsed = await parseRegistrationInSlices(request.body);
      requireClusterPermission(request.principal, parsed.options.autoCluster);
      if (parsed.dryRun)
        return (
          reply
            .code(200)
            .type('application/json; charset=utf-8')
            // A stream is sent as it is, past the schema's serializer; its bytes are a RegistrationCheck document.
            .send(streamRegistrationCheck(await checkRegistration(store, project, parsed)) as unknown as Static<typeof RegistrationCheck>)
        );
      const collected = collectHostPlans(parsed);
      // Each listed problem carries its host's index, so a client maps it to its own input without reading `field`.
      if (!collected.ok) throw invalidFields(collected.problems.map(({ field, message, index }) => ({ field, message, host: index })));
      const { options, defaults } = parsed;
      const job = await createRegistrationJob(deps, {
        project,
        options,
        defaults,
        plans: collected.value,
        waitSeconds: request.query.wait,
      });
      reply.header('location', `${request.url.split('?')[0]}/${job.id}`);
      return reply.code(isJobDone(job) ? 201 : 202).send(await loadJobDocument(store, project, job));
    },
  );

  app.get(
    '/registrations',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['registrations'],
        summary: 'List registration jobs, newest first',
        params: ProjectParams,
        querystring: RegistrationListQuery,
        response: { 200: RegistrationJobList, ...problemResponses() },
      },
    },
    async (request) => store.jobs.list(request.params.project, request.query),
  );

  app.get(
    '/registrations/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['registrations'],
        summary: 'Get a registration job: status, totals, and per host and step the status, reason and resource',
        params: RegistrationParams,
        response: { 200: RegistrationJobSchema, ...problemResponses(404) },
      },
    },
    async (request) => loadJobDocument(store, request.params.project, await store.jobs.get(request.params.project, request.params.id)),
  );

  app.get(
    '/registrations/:id/hosts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['registrations'],
        summary: "Page through a job's hosts in request order, optionally only those with a status",
        params: RegistrationParams,
        querystring: RegistrationHostQuery,
        response: { 200: RegistrationHostList, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      const page = await store.jobs.listHosts(request.params.project, request.params.id, status ? { status } : {}, {
        ...(limit ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return { items: page.items.map(toHostView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/registrations/:id/retry',
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['registrations'],
        summary: 'Run the failed hosts again from their failed step; what succeeded is kept',
        params: RegistrationParams,
        response: { 202: RegistrationJobSchema, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const { project, id } = request.params;
      requireClusterPermission(request.principal, (await store.jobs.get(project, id)).options.autoCluster);
      return reply.code(202).send(await loadJobDocument(store, project, await retryRegistrationJob(deps, { project, id })));
    },
  );
};
