/**
 * Routes the web UI uses beyond the resource routes: who the caller is (the UI shows and enables by role), an
 * EMF CSV read into registration requests with its per-line problems, and a registration job's progress as a
 * long-poll (answered when the job moves, so the progress page updates without reloading).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, invalidField } from '../../domain/errors.ts';
import { MAX_REGISTRATION_HOSTS } from '../../domain/registration/registration-request.ts';
import { parseTemplateRef } from '../../domain/inventory/template.ts';
import { parseHostCsv } from '../../interchange/host-csv.ts';
import { HOST_CSV_COLUMNS } from '../../interchange/host-csv-format.ts';
import { resolveOsProfileRef } from '../../interchange/os-profile-ref.ts';
import { computeHostImportJobs } from '../../interchange/host-import-jobs.ts';
import { ProjectParams, problemResponses } from '../../contract/common.schema.ts';
import { PROJECT_PREFIX } from '../../contract/paths.ts';
import { readAllPages } from '../../contract/read-all-pages.ts';
import { RegistrationParams } from '../../contract/registration.schema.ts';
import { ClusterParams } from '../../contract/cluster.schema.ts';
import {
  ClusterProgress,
  HostCsvPlan,
  HostCsvPlanRequest,
  LongPollQuery,
  RegistrationProgress,
  Session,
} from '../../contract/ui.schema.ts';
import { MAX_PAGE } from '../../store/paging.ts';
import { waitForClusterChange } from '../../workflow/use-cases/wait-for-cluster-change.ts';
import { waitForJobProgress } from '../../workflow/use-cases/wait-for-job-progress.ts';
import type { ApiDeps } from '../app.ts';
import { loadJobDocument } from './registrations.routes.ts';

export const uiRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  // Held progress requests answer at once when the server closes, or closing would wait for each of them.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  app.get(
    '/api/v1/session',
    {
      config: { permission: 'read' },
      schema: { tags: ['ui'], summary: "The caller's token: project, role and name", response: { 200: Session, ...problemResponses() } },
    },
    async (request) => {
      // Auth has run: a read route always has a principal.
      if (!request.principal) throw new AppError('Unauthenticated', 'send an API token as "Authorization: Bearer <token>"');
      const { project, role, name } = request.principal;
      return { project, role, name };
    },
  );

  app.post(
    `${PROJECT_PREFIX}/host-csv`,
    {
      config: { permission: 'hosts:write' },
      schema: {
        tags: ['ui'],
        summary: 'Read an EMF bulk-import CSV into registration requests, with every problem by line and column; writes nothing',
        params: ProjectParams,
        body: HostCsvPlanRequest,
        response: { 200: HostCsvPlan, ...problemResponses() },
      },
    },
    async (request) => {
      const { csv, osProfile, template, autoProvision = false, autoCluster = false, atomic = false } = request.body;
      const parsed = await parseHostCsv(csv);
      const profiles = await readAllPages((cursor) => store.osProfiles.list(request.params.project, {}, { limit: MAX_PAGE, cursor }));
      const chosen = osProfile ? resolveOsProfileRef(osProfile, profiles) : null;
      if (chosen && !chosen.ok) throw invalidField('osProfile', `osProfile: ${chosen.problems.join('; ')}`);
      const options = {
        osProfile: chosen?.value ?? null,
        template: template ? parseTemplateRef(template, 'template') : null,
        autoProvision,
        autoCluster,
        atomic,
        profiles,
      };
      const planned =
        parsed.errors.length > 0
          ? { jobs: [], errors: parsed.errors }
          : computeHostImportJobs(parsed.rows, options, MAX_REGISTRATION_HOSTS);
      return {
        rows: parsed.rows.map(({ line, cells }) => ({ line, cells })),
        problems: planned.errors.map(({ line, column, message }) => ({ line, column: column ?? null, message })),
        jobs: planned.jobs.map((job) => ({ lines: job.rows.map((row) => row.line), request: job.body })),
        columns: [...HOST_CSV_COLUMNS],
      };
    },
  );

  app.get(
    `${PROJECT_PREFIX}/registrations/:id/progress`,
    {
      config: { permission: 'read' },
      schema: {
        tags: ['ui'],
        summary: 'Long-poll a registration job: answers when it differs from revision `since`, or after `wait` seconds',
        params: RegistrationParams,
        querystring: LongPollQuery,
        response: { 200: RegistrationProgress, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const { project, id } = request.params;
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const { revision, job } = await waitForJobProgress(deps, {
        project,
        id,
        ...(request.query.since ? { since: request.query.since } : {}),
        waitMs: (request.query.wait ?? 25) * 1000,
        signal: AbortSignal.any([closing.signal, gone.signal]),
      });
      return { revision, job: await loadJobDocument(store, project, job) };
    },
  );

  app.get(
    `${PROJECT_PREFIX}/clusters/:name/progress`,
    {
      config: { permission: 'read' },
      schema: {
        tags: ['ui'],
        summary: 'Long-poll a cluster: answers when it differs from revision `since`, or after `wait` seconds',
        params: ClusterParams,
        querystring: LongPollQuery,
        response: { 200: ClusterProgress, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      return waitForClusterChange(deps, {
        ...request.params,
        ...(request.query.since ? { since: request.query.since } : {}),
        waitMs: (request.query.wait ?? 25) * 1000,
        signal: AbortSignal.any([closing.signal, gone.signal]),
      });
    },
  );
};
