import { describe, expect, it } from 'vitest';
import {
  applyCompensation,
  applyRetry,
  applyStepOutcome,
  applyStepStart,
  computeHostStatus,
  computeJobStatus,
  computeNextAction,
  computeStepNames,
  computeTotals,
  createHostProgress,
  type HostProgress,
  type StepName,
} from './registration-steps.ts';

const ALL = { autoProvision: true, autoCluster: true };
const T = '2026-01-01T00:00:00.000Z';

/** Runs `step` to success through the same transitions the engine uses. */
function succeed(p: HostProgress, step: StepName, id: string, atomic = false): HostProgress {
  return applyStepOutcome(applyStepStart(p, step, T), step, { ok: true, resourceId: id, created: true }, { now: T, atomic });
}
function fail(p: HostProgress, step: StepName, atomic = false): HostProgress {
  return applyStepOutcome(
    applyStepStart(p, step, T),
    step,
    { ok: false, reason: { code: 'K3sVersionMismatch', message: 'no' } },
    { now: T, atomic },
  );
}
const statuses = (p: HostProgress) => p.steps.map((s) => `${s.step}:${s.status}`);

describe('registration steps', () => {
  it('plans register-host, then create-instance with autoProvision, then create-cluster with autoCluster', () => {
    expect(computeStepNames({ autoProvision: false, autoCluster: false })).toEqual(['register-host']);
    expect(computeStepNames({ autoProvision: true, autoCluster: false })).toEqual(['register-host', 'create-instance']);
    expect(computeStepNames(ALL)).toEqual(['register-host', 'create-instance', 'create-cluster']);
  });

  it('runs the steps in order and ends succeeded with each resource id kept', () => {
    let p = createHostProgress(ALL);
    expect(computeNextAction(p, false)).toEqual({ kind: 'run', step: 'register-host' });
    p = succeed(p, 'register-host', 'h1');
    expect(p.status).toBe('running');
    expect(computeNextAction(p, false)).toEqual({ kind: 'run', step: 'create-instance' });
    p = succeed(succeed(p, 'create-instance', 'i1'), 'create-cluster', 'c1');
    expect(p.status).toBe('succeeded');
    expect(computeNextAction(p, false)).toEqual({ kind: 'done' });
    expect(p.steps.map((s) => [s.resourceId, s.attempts, s.created])).toEqual([
      ['h1', 1, true],
      ['i1', 1, true],
      ['c1', 1, true],
    ]);
  });

  it('stops a host at its first failure, skipping later steps and keeping earlier ones', () => {
    const p = fail(succeed(createHostProgress(ALL), 'register-host', 'h1'), 'create-instance');
    expect(statuses(p)).toEqual(['register-host:succeeded', 'create-instance:failed', 'create-cluster:skipped']);
    expect(p.steps[2]!.reason).toEqual({ code: 'PreviousStepFailed', message: 'not run: step create-instance failed' });
    expect(p.status).toBe('failed');
    expect(computeNextAction(p, false)).toEqual({ kind: 'done' });
  });

  it('re-runs a step that was running when the server stopped, counting the attempt', () => {
    const p = applyStepStart(createHostProgress(ALL), 'register-host', T);
    expect(computeNextAction(p, false)).toEqual({ kind: 'run', step: 'register-host' });
    expect(applyStepStart(p, 'register-host', T).steps[0]!.attempts).toBe(2);
    expect(computeHostStatus(p, false)).toBe('running');
  });

  it('in atomic mode undoes completed steps latest first, then ends failed with each undo reported', () => {
    let p = fail(
      succeed(succeed(createHostProgress(ALL), 'register-host', 'h1', true), 'create-instance', 'i1', true),
      'create-cluster',
      true,
    );
    expect(p.status).toBe('running');
    const order: string[] = [];
    for (let action = computeNextAction(p, true); action.kind === 'compensate'; action = computeNextAction(p, true)) {
      order.push(action.step);
      p = applyCompensation(p, action.step, { ok: true, message: `removed ${action.step}` }, T);
    }
    expect(order).toEqual(['create-instance', 'register-host']);
    expect(statuses(p)).toEqual(['register-host:compensated', 'create-instance:compensated', 'create-cluster:failed']);
    expect(p.steps[0]!.reason).toEqual({ code: 'Compensated', message: 'removed register-host' });
    expect(p.status).toBe('failed');
  });

  it('stops undoing when an undo fails, leaving that step succeeded with CompensationFailed', () => {
    let p = fail(
      succeed(succeed(createHostProgress(ALL), 'register-host', 'h1', true), 'create-instance', 'i1', true),
      'create-cluster',
      true,
    );
    p = applyCompensation(p, 'create-instance', { ok: false, message: 'instance is in use' }, T);
    expect(computeNextAction(p, true)).toEqual({ kind: 'done' });
    expect(p.steps[1]).toMatchObject({ status: 'succeeded', reason: { code: 'CompensationFailed', message: 'instance is in use' } });
    expect(p.status).toBe('failed');
  });

  it('retries a failed host from its failed step and keeps what succeeded', () => {
    const failed = fail(succeed(createHostProgress(ALL), 'register-host', 'h1'), 'create-instance');
    const p = applyRetry(failed, false);
    expect(statuses(p)).toEqual(['register-host:succeeded', 'create-instance:pending', 'create-cluster:pending']);
    expect(p.status).toBe('pending');
    expect(computeNextAction(p, false)).toEqual({ kind: 'run', step: 'create-instance' });
    expect(p.steps[1]!.attempts).toBe(1);
  });

  it('retries a compensated host from the start, since its resources were removed', () => {
    let p = fail(
      succeed(createHostProgress({ autoProvision: true, autoCluster: false }), 'register-host', 'h1', true),
      'create-instance',
      true,
    );
    p = applyCompensation(p, 'register-host', { ok: true, message: 'removed' }, T);
    const retried = applyRetry(p, true);
    expect(statuses(retried)).toEqual(['register-host:pending', 'create-instance:pending']);
    expect(retried.steps[0]!.resourceId).toBeNull();
  });

  it('gives a step stopped for too many attempts a fresh count on retry', () => {
    let p = createHostProgress({ autoProvision: false, autoCluster: false });
    for (let i = 0; i < 5; i++) p = applyStepStart(p, 'register-host', T);
    p = applyStepOutcome(p, 'register-host', { ok: false, reason: { code: 'TooManyAttempts', message: 'x' } }, { now: T, atomic: false });
    expect(applyRetry(p, false).steps[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('leaves hosts that did not fail untouched on retry', () => {
    const done = succeed(createHostProgress({ autoProvision: false, autoCluster: false }), 'register-host', 'h1');
    expect(applyRetry(done, false)).toBe(done);
  });

  it('counts hosts and steps and derives the job status', () => {
    const a = succeed(createHostProgress(ALL), 'register-host', 'h1');
    const b = fail(createHostProgress(ALL), 'register-host');
    const c = createHostProgress(ALL);
    const totals = computeTotals([a, b, c]);
    expect(totals.hosts).toEqual({ hosts: 3, pending: 1, running: 1, succeeded: 0, failed: 1 });
    expect(totals.steps['create-cluster']).toEqual({ pending: 2, running: 0, succeeded: 0, failed: 0, skipped: 1, compensated: 0 });
    expect(computeJobStatus(totals.hosts)).toBe('running');
    expect(computeJobStatus({ hosts: 2, pending: 2, running: 0, succeeded: 0, failed: 0 })).toBe('pending');
    expect(computeJobStatus({ hosts: 2, pending: 0, running: 0, succeeded: 1, failed: 1 })).toBe('failed');
    expect(computeJobStatus({ hosts: 2, pending: 0, running: 0, succeeded: 2, failed: 0 })).toBe('succeeded');
  });
});
