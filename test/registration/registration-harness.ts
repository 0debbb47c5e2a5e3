/**
 * A registration API under test: the real app and a running registration worker on one store, with the shared
 * OS profiles and (optionally) templates imported into project "alpha", and helpers to post jobs and wait.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { createRegistrationEngine, type RegistrationEngine } from '../../src/workflow/engine.ts';
import { WorkSignal } from '../../src/workflow/work-signal.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { osProfileFiles, readFormat } from '../support/formats.ts';

export const A = '/api/v1/projects/alpha';
export const EMT = 'microvisor-nonrt';
export const UBUNTU = 'ubuntu-22.04-lts-generic';

export interface RegistrationHarness extends ApiHarness {
  engine: RegistrationEngine;
  importTemplate(file: string): Promise<void>;
  /** POSTs a registration (waiting for it by default) and returns the response. */
  register(body: unknown, options?: { token?: string; query?: string }): Promise<LightMyRequestResponse>;
  /** Polls the job until it is done and returns its document. */
  waitForJob(id: string, timeoutMs?: number): Promise<JobDocument>;
}

export interface JobDocument {
  id: string;
  status: string;
  totals: Record<string, number>;
  stepTotals: Record<string, Record<string, number>>;
  hosts: HostView[];
  hostsNextCursor: string | null;
  [key: string]: unknown;
}

export interface StepView {
  step: string;
  status: string;
  reason: { code: string; message: string; field?: string; details?: Record<string, string> } | null;
  resourceId: string | null;
  created: boolean;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface HostView {
  index: number;
  name: string;
  status: string;
  hostId: string | null;
  failedStep: string | null;
  steps: StepView[];
  [key: string]: unknown;
}

export async function createRegistrationHarness(store: Store, { templates = [] as string[] } = {}): Promise<RegistrationHarness> {
  // Shared as in a server: queued jobs wake the worker, and its progress wakes requests waiting for a job.
  const work = new WorkSignal();
  const api = await createApiHarness(store, { work });
  for (const file of osProfileFiles()) {
    const res = await api.call('POST', `${A}/osprofiles/import`, { body: { document: readFormat(file) } });
    expect(res.statusCode, res.body).toBe(201);
  }
  async function importTemplate(file: string): Promise<void> {
    const res = await api.call('POST', `${A}/templates`, { body: JSON.parse(readFormat(`templates/${file}`)) });
    expect(res.statusCode, res.body).toBe(201);
  }
  for (const file of templates) await importTemplate(file);
  const engine = createRegistrationEngine({ store, pollMs: 50, batchSize: 50, work });
  await engine.start();

  async function waitForJob(id: string, timeoutMs = 20_000): Promise<JobDocument> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await api.call('GET', `${A}/registrations/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      const job = res.json() as JobDocument;
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.totals)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    ...api,
    engine,
    importTemplate,
    waitForJob,
    register: (body, { token, query = '' } = {}) => api.call('POST', `${A}/registrations${query}`, { body, ...(token ? { token } : {}) }),
    async close() {
      await engine.stop();
      await api.close();
    },
  };
}

/** Step statuses of a host as `step:status` strings, the shortest way to assert a host's path. */
export const stepPath = (host: HostView): string[] => host.steps.map((s) => `${s.step}:${s.status}`);

/** A uuid unique to this test run and `n`. */
export function testUuid(prefix: number, n: number): string {
  const hex = (prefix * 1_000_000 + n).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-0000-4000-8000-${hex.padStart(12, '0')}`;
}
