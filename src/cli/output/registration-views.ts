/** Tables for registration jobs, shared by `host import` and `registration …`: per-step totals and per-host results. */
import type { Static } from 'typebox';
import type { RegistrationHost, RegistrationJob } from '../../contract/registration.schema.ts';
import { STEP_NAMES, type StepName } from '../../domain/registration/registration-steps.ts';
import type { Column } from './output.ts';

export type RegistrationJobView = Static<typeof RegistrationJob>;
export type RegistrationHostView = Static<typeof RegistrationHost>;

/** One per step: counts summed over the jobs. */
export interface StepSummary {
  step: StepName;
  succeeded: number;
  failed: number;
  skipped: number;
  compensated: number;
}

export const STEP_SUMMARY_COLUMNS: Column<StepSummary>[] = [
  { header: 'STEP', value: (s) => s.step },
  { header: 'SUCCEEDED', value: (s) => s.succeeded },
  { header: 'FAILED', value: (s) => s.failed },
  { header: 'SKIPPED', value: (s) => s.skipped },
  { header: 'COMPENSATED', value: (s) => s.compensated },
];

export function summarizeSteps(jobs: readonly Pick<RegistrationJobView, 'stepTotals'>[]): StepSummary[] {
  return STEP_NAMES.flatMap((step) => {
    const counted = jobs.map((j) => j.stepTotals[step]).filter((c) => c !== undefined);
    if (counted.length === 0) return [];
    const sum = (key: 'succeeded' | 'failed' | 'skipped' | 'compensated'): number => counted.reduce((n, c) => n + c[key], 0);
    return [{ step, succeeded: sum('succeeded'), failed: sum('failed'), skipped: sum('skipped'), compensated: sum('compensated') }];
  });
}

export const JOB_COLUMNS: Column<RegistrationJobView>[] = [
  { header: 'ID', value: (j) => j.id },
  { header: 'STATUS', value: (j) => j.status },
  { header: 'HOSTS', value: (j) => j.totals.hosts },
  { header: 'SUCCEEDED', value: (j) => j.totals.succeeded },
  { header: 'FAILED', value: (j) => j.totals.failed },
  {
    header: 'STEPS',
    value: (j) => ['register', ...(j.options.autoProvision ? ['provision'] : []), ...(j.options.autoCluster ? ['cluster'] : [])].join(','),
  },
  { header: 'CREATED', value: (j) => j.createdAt },
];

/** A host's steps in one cell: `register-host:succeeded create-instance:failed …`. */
export const HOST_COLUMNS: Column<RegistrationHostView>[] = [
  { header: '#', value: (h) => h.index },
  { header: 'NAME', value: (h) => h.name },
  { header: 'STATUS', value: (h) => h.status },
  { header: 'STEPS', value: (h) => h.steps.map((s) => `${s.step}:${s.status}`).join(' ') },
  {
    header: 'REASON',
    value: (h) => {
      const failed = h.steps.find((s) => s.step === h.failedStep);
      return failed?.reason ? `${failed.reason.code}: ${failed.reason.message}` : null;
    },
  },
];
