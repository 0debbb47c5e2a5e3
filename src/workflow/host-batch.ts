/**
 * Runs a claimed batch of hosts through their steps (STYLE R1: load, decide, apply, persist). Stage by stage:
 * every host due for a step records its start (attempts + 1) in one transaction, then the step runs for the
 * whole group in one transaction in which each host's resource write and its new status commit together. If that
 * transaction throws (a race the re-observation could not see), each host of the group runs in its own
 * transaction instead. Every write first holds the host's lease, so a worker that lost a host writes nothing.
 */
import { setImmediate } from 'node:timers/promises';
import { isAppError } from '../domain/errors.ts';
import { reasonCodes } from '../domain/reasons.ts';
import {
  MAX_STEP_ATTEMPTS,
  STEP_NAMES,
  applyCompensation,
  applyStepOutcome,
  applyStepStart,
  computeNextAction,
  type HostProgress,
  type StepName,
  type StepOutcome,
  type StepReason,
} from '../domain/registration/registration-steps.ts';
import type { ClaimedHost, Store } from '../store/store.ts';
import type { HostEvents } from './host-events.ts';
import { createReferenceCache } from './reference-cache.ts';
import type { StepContext } from './steps/step.ts';
import { runStep } from './steps/step.ts';
import { registrationSteps } from './steps/steps.ts';

/** The pino-compatible subset the workflow logs through. */
export interface WorkflowLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface BatchDeps {
  store: Store;
  owner: string;
  leaseMs: number;
  log: WorkflowLogger;
  now?: () => string;
  /** Told after each committed step: a registration wakes agents waiting to enroll, other steps the host's agent. */
  events?: HostEvents;
}

/** A host while its batch runs; `progress` is what the store holds (updated only after a commit). */
interface LiveHost {
  host: ClaimedHost;
  progress: HostProgress;
  /** The step whose start this batch already recorded (so it is counted once). */
  started: StepName | null;
  lost: boolean;
}

class LeaseLost extends Error {}

export async function runHostBatch(deps: BatchDeps, hosts: readonly ClaimedHost[]): Promise<void> {
  const { store, owner, leaseMs, log, now = () => new Date().toISOString(), events } = deps;
  const refs = createReferenceCache();
  const live: LiveHost[] = hosts.map((host) => ({ host, progress: host.progress, started: null, lost: false }));
  const atomic = (l: LiveHost): boolean => l.host.options.atomic;
  const dueFor =
    (step: StepName) =>
    (l: LiveHost): boolean => {
      const action = computeNextAction(l.progress, atomic(l));
      return !l.lost && action.kind === 'run' && action.step === step;
    };
  const contextOf = (tx: Store, l: LiveHost): StepContext => ({
    store: tx,
    project: l.host.project,
    plan: l.host.plan,
    refs,
    hostId: l.progress.steps.find((s) => s.step === 'register-host')?.resourceId ?? null,
  });

  function changed(l: LiveHost, step: StepName): void {
    const hostId = l.progress.steps.find((s) => s.step === 'register-host')?.resourceId;
    if (!hostId || !events) return;
    if (step === 'register-host') events.registered(l.host.project);
    else events.changed(l.host.project, hostId);
  }

  /** The step's result, plus the start of the next step when there is one (the "before" of the next step). */
  function finish(l: LiveHost, step: StepName, outcome: StepOutcome): { progress: HostProgress; started: StepName | null } {
    const progress = applyStepOutcome(l.progress, step, outcome, { now: now(), atomic: atomic(l) });
    const next = computeNextAction(progress, atomic(l));
    return next.kind === 'run' ? { progress: applyStepStart(progress, next.step, now()), started: next.step } : { progress, started: null };
  }

  async function save(tx: Store, l: LiveHost, progress: HostProgress): Promise<void> {
    if (!(await tx.jobs.save(owner, l.host.key, progress, leaseMs))) throw new LeaseLost(l.host.key);
  }

  async function holdAll(tx: Store, group: LiveHost[]): Promise<LiveHost[]> {
    const held = await tx.jobs.hold(
      owner,
      group.map((l) => l.host.key),
      leaseMs,
    );
    return group.filter((l) => held.has(l.host.key));
  }

  async function recordStarts(step: StepName, group: LiveHost[]): Promise<void> {
    const changes = await store.transaction(async (tx) => {
      const held = await holdAll(tx, group);
      const out: [LiveHost, HostProgress][] = [];
      for (const l of held) {
        const state = l.progress.steps.find((s) => s.step === step)!;
        const progress =
          state.attempts >= MAX_STEP_ATTEMPTS
            ? applyStepOutcome(
                l.progress,
                step,
                {
                  ok: false,
                  reason: {
                    code: reasonCodes.TooManyAttempts,
                    message: `step ${step} was started ${state.attempts} times without finishing; it is not run again (retry the job to try once more)`,
                  },
                },
                { now: now(), atomic: atomic(l) },
              )
            : applyStepStart(l.progress, step, now());
        await save(tx, l, progress);
        out.push([l, progress]);
      }
      return { held: new Set(held), out };
    });
    for (const l of group) if (!changes.held.has(l)) l.lost = true;
    for (const [l, progress] of changes.out) Object.assign(l, { progress, started: step });
  }

  async function runGroup(step: StepName, group: LiveHost[]): Promise<void> {
    try {
      const changes = await store.transaction(async (tx) => {
        const held = await holdAll(tx, group);
        const out: [LiveHost, ReturnType<typeof finish>][] = [];
        for (const l of held) out.push([l, finish(l, step, await runStep(registrationSteps[step], contextOf(tx, l)))]);
        for (const [l, change] of out) await save(tx, l, change.progress);
        return { held: new Set(held), out };
      });
      for (const l of group) if (!changes.held.has(l)) l.lost = true;
      for (const [l, change] of changes.out) {
        Object.assign(l, change);
        changed(l, step);
      }
    } catch (error) {
      log.debug({ err: error, step, hosts: group.length }, 'batch step failed; running its hosts one by one');
      for (const l of group) await runOne(step, l);
    }
  }

  async function runOne(step: StepName, l: LiveHost): Promise<void> {
    try {
      const change = await store.transaction(async (tx) => {
        if ((await holdAll(tx, [l])).length === 0) throw new LeaseLost(l.host.key);
        const result = finish(l, step, await runStep(registrationSteps[step], contextOf(tx, l)));
        await save(tx, l, result.progress);
        return result;
      });
      Object.assign(l, change);
      changed(l, step);
    } catch (error) {
      await recordError(l, error, (reason) => finish(l, step, { ok: false, reason }));
    }
  }

  async function compensateOne(step: StepName, l: LiveHost): Promise<void> {
    const state = l.progress.steps.find((s) => s.step === step)!;
    try {
      const progress = await store.transaction(async (tx) => {
        if ((await holdAll(tx, [l])).length === 0) throw new LeaseLost(l.host.key);
        const result = await registrationSteps[step].compensate(contextOf(tx, l), state);
        const next = applyCompensation(l.progress, step, result, now());
        await save(tx, l, next);
        return next;
      });
      changed(l, step);
      l.progress = progress;
    } catch (error) {
      await recordError(l, error, (reason) => ({
        progress: applyCompensation(l.progress, step, { ok: false, message: reason.message }, now()),
        started: null,
      }));
    }
  }

  /** A catalogued error fails the step (in a transaction of its own); anything else leaves the host to its lease. */
  async function recordError(
    l: LiveHost,
    error: unknown,
    fail: (reason: StepReason) => { progress: HostProgress; started: StepName | null },
  ): Promise<void> {
    if (error instanceof LeaseLost) {
      l.lost = true;
      return;
    }
    if (!isAppError(error)) {
      log.error(
        { err: error, job: l.host.jobId, host: l.host.index },
        'registration step failed unexpectedly; the host is retried when its lease expires',
      );
      l.lost = true;
      return;
    }
    try {
      const change = fail({ code: error.code, message: error.detail });
      await store.transaction(async (tx) => {
        if ((await holdAll(tx, [l])).length === 0) throw new LeaseLost(l.host.key);
        await save(tx, l, change.progress);
      });
      Object.assign(l, change);
    } catch (inner) {
      if (!(inner instanceof LeaseLost)) log.error({ err: inner, job: l.host.jobId, host: l.host.index }, 'could not record a failed step');
      l.lost = true;
    }
  }

  for (const step of STEP_NAMES) {
    await setImmediate(); // let requests in between a batch's stages (see engine.ts)
    const due = live.filter(dueFor(step));
    const unstarted = due.filter((l) => l.started !== step);
    if (unstarted.length > 0) await recordStarts(step, unstarted);
    const runnable = live.filter(dueFor(step));
    if (runnable.length > 0) await runGroup(step, runnable);
  }
  for (const l of live) {
    for (
      let action = computeNextAction(l.progress, atomic(l));
      !l.lost && action.kind === 'compensate';
      action = computeNextAction(l.progress, atomic(l))
    ) {
      await compensateOne(action.step, l);
    }
  }
  // A host that needed nothing (claimed after its last write) still has to give its lease back.
  const idle = live.filter((l) => !l.lost && l.progress === l.host.progress && computeNextAction(l.progress, atomic(l)).kind === 'done');
  if (idle.length > 0) {
    await store.transaction(async (tx) => {
      for (const l of await holdAll(tx, idle)) await tx.jobs.save(owner, l.host.key, l.progress, leaseMs);
    });
  }
}
