/**
 * Runs a claimed batch of hosts through their steps (STYLE R1: load, decide, apply, persist). Stage by stage:
 * every host due for a step records its start (attempts + 1) in one transaction, then the step runs for the
 * whole group in one transaction: the step observes the world for the group in a few queries, writes the group's
 * resources with multi-row inserts, and every host's new progress is stored with them in one multi-row update, so
 * a host's resource and its status commit together. If that transaction throws (a race the observation could not
 * see), each host of the group runs in its own transaction instead. Every write first holds the hosts' leases, so
 * a worker that lost a host writes nothing for it.
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
import { createReferenceCache, type ReferenceCache } from './reference-cache.ts';
import { runStepGroup, type StepContext, type StepHost } from './steps/step.ts';
import { registrationSteps } from './steps/steps.ts';
import type { WorkSignal } from './work-signal.ts';

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
  /** Told after each committed change of a host's progress, to wake requests waiting for its job. */
  work?: WorkSignal;
}

/** One batch's run: its dependencies and the references its steps share. */
interface BatchRun extends Required<Pick<BatchDeps, 'store' | 'owner' | 'leaseMs' | 'log' | 'now'>> {
  events: HostEvents | undefined;
  work: WorkSignal | undefined;
  refs: ReferenceCache;
}

/** A host while its batch runs; `progress` is what the store holds (updated only after a commit). */
interface LiveHost {
  host: ClaimedHost;
  progress: HostProgress;
  /** The step whose start this batch already recorded (so it is counted once). */
  started: StepName | null;
  lost: boolean;
}

/** A host's progress after a step, and the step it has started since (none when it has nothing left to run). */
interface StepChange {
  progress: HostProgress;
  started: StepName | null;
}

class LeaseLost extends Error {}

export async function runHostBatch(deps: BatchDeps, hosts: readonly ClaimedHost[]): Promise<void> {
  const { store, owner, leaseMs, log, now = () => new Date().toISOString(), events, work } = deps;
  const run: BatchRun = { store, owner, leaseMs, log, now, events, work, refs: createReferenceCache() };
  const live: LiveHost[] = hosts.map((host) => ({ host, progress: host.progress, started: null, lost: false }));
  for (const step of STEP_NAMES) {
    await setImmediate(); // let requests in between a batch's stages (see engine.ts)
    await runStage(run, live, step);
  }
  for (const l of live) await compensateHost(run, l);
  await releaseIdle(run, live);
}

/** One stage: records the start of `step` for the hosts due for it, then runs it for those still due. */
async function runStage(run: BatchRun, live: LiveHost[], step: StepName): Promise<void> {
  const unstarted = live.filter((l) => isDueFor(l, step) && l.started !== step);
  if (unstarted.length > 0) await recordStarts(run, step, unstarted);
  const runnable = live.filter((l) => isDueFor(l, step));
  if (runnable.length > 0) await runGroup(run, step, runnable);
}

/** Undoes the host's steps while its progress asks for it (atomic mode after a failure). */
async function compensateHost(run: BatchRun, l: LiveHost): Promise<void> {
  for (let action = nextAction(l); !l.lost && action.kind === 'compensate'; action = nextAction(l)) {
    await compensateOne(run, action.step, l);
  }
}

/** A host that needed nothing (claimed after its last write) still has to give its lease back. */
async function releaseIdle(run: BatchRun, live: LiveHost[]): Promise<void> {
  const idle = live.filter((l) => !l.lost && l.progress === l.host.progress && nextAction(l).kind === 'done');
  if (idle.length === 0) return;
  await run.store.transaction(async (tx) => {
    await saveAll(
      run,
      tx,
      (await holdAll(run, tx, idle)).map((l) => [l, l.progress]),
    );
  });
}

const isAtomic = (l: LiveHost): boolean => l.host.options.atomic;
const nextAction = (l: LiveHost) => computeNextAction(l.progress, isAtomic(l));

function isDueFor(l: LiveHost, step: StepName): boolean {
  const action = nextAction(l);
  return !l.lost && action.kind === 'run' && action.step === step;
}

function registeredHostId(l: LiveHost): string | null {
  return l.progress.steps.find((s) => s.step === 'register-host')?.resourceId ?? null;
}

const toStepHost = (l: LiveHost): StepHost => ({ plan: l.host.plan, hostId: registeredHostId(l) });

function createContext(run: BatchRun, tx: Store, l: LiveHost): StepContext {
  return { store: tx, project: l.host.project, refs: run.refs, ...toStepHost(l) };
}

/** Runs the step for hosts of any projects (a claim may span jobs), one group per project. */
async function runStepForHosts(run: BatchRun, tx: Store, step: StepName, hosts: LiveHost[]): Promise<[LiveHost, StepChange][]> {
  const byProject = Map.groupBy(hosts, (l) => l.host.project);
  const out: [LiveHost, StepChange][] = [];
  for (const [project, group] of byProject) {
    const outcomes = await runStepGroup(registrationSteps[step], { store: tx, project, refs: run.refs }, group.map(toStepHost));
    group.forEach((l, i) => out.push([l, finishStep(run, l, step, outcomes[i]!)]));
  }
  return out;
}

/** Tells waiting requests that the host's job moved. */
function reportProgress(run: BatchRun, l: LiveHost): void {
  run.work?.jobProgressed(l.host.project, l.host.jobId);
}

/** After a committed step: the job moved, and the host's agent (or agents waiting to enroll) may have work. */
function announceStep(run: BatchRun, l: LiveHost, step: StepName): void {
  reportProgress(run, l);
  const hostId = registeredHostId(l);
  if (!hostId || !run.events) return;
  if (step === 'register-host') run.events.registered(l.host.project, l.host.plan.registration);
  else run.events.changed(l.host.project, hostId);
}

/** The step's result, plus the start of the next step when there is one (the "before" of the next step). */
function finishStep(run: BatchRun, l: LiveHost, step: StepName, outcome: StepOutcome): StepChange {
  const progress = applyStepOutcome(l.progress, step, outcome, { now: run.now(), atomic: isAtomic(l) });
  const next = computeNextAction(progress, isAtomic(l));
  return next.kind === 'run'
    ? { progress: applyStepStart(progress, next.step, run.now()), started: next.step }
    : { progress, started: null };
}

/** The start of `step`, or its failure when it was started too often without finishing. */
function startStep(run: BatchRun, l: LiveHost, step: StepName): HostProgress {
  const state = l.progress.steps.find((s) => s.step === step)!;
  if (state.attempts < MAX_STEP_ATTEMPTS) return applyStepStart(l.progress, step, run.now());
  const reason = {
    code: reasonCodes.TooManyAttempts,
    message: `step ${step} was started ${state.attempts} times without finishing; it is not run again (retry the job to try once more)`,
  };
  return applyStepOutcome(l.progress, step, { ok: false, reason }, { now: run.now(), atomic: isAtomic(l) });
}

/** Stores the hosts' progress in one multi-row update; every host must still be this worker's. */
async function saveAll(run: BatchRun, tx: Store, saves: readonly [LiveHost, HostProgress][]): Promise<void> {
  if (saves.length === 0) return;
  const saved = await tx.jobs.saveMany(
    run.owner,
    saves.map(([l, progress]) => ({ key: l.host.key, progress })),
    run.leaseMs,
  );
  const lost = saves.find(([l]) => !saved.has(l.host.key));
  if (lost) throw new LeaseLost(lost[0].host.key);
}

/** The hosts of `group` whose lease this worker still holds (extended). */
async function holdAll(run: BatchRun, tx: Store, group: LiveHost[]): Promise<LiveHost[]> {
  const held = await tx.jobs.hold(
    run.owner,
    group.map((l) => l.host.key),
    run.leaseMs,
  );
  return group.filter((l) => held.has(l.host.key));
}

/** Holds the one host's lease, or throws LeaseLost. */
async function holdOne(run: BatchRun, tx: Store, l: LiveHost): Promise<void> {
  if ((await holdAll(run, tx, [l])).length === 0) throw new LeaseLost(l.host.key);
}

/** Applies a transaction's result to the group: hosts it could not hold are lost, the others take their change. */
function settleGroup<C>(
  group: LiveHost[],
  changes: { held: Set<LiveHost>; out: [LiveHost, C][] },
  apply: (l: LiveHost, change: C) => void,
): void {
  for (const l of group) if (!changes.held.has(l)) l.lost = true;
  for (const [l, change] of changes.out) apply(l, change);
}

async function recordStarts(run: BatchRun, step: StepName, group: LiveHost[]): Promise<void> {
  const changes = await run.store.transaction(async (tx) => {
    const held = await holdAll(run, tx, group);
    const out = held.map((l): [LiveHost, HostProgress] => [l, startStep(run, l, step)]);
    await saveAll(run, tx, out);
    return { held: new Set(held), out };
  });
  settleGroup(group, changes, (l, progress) => {
    Object.assign(l, { progress, started: step });
    reportProgress(run, l);
  });
}

/** Runs the step for the whole group in one transaction; if that throws, host by host. */
async function runGroup(run: BatchRun, step: StepName, group: LiveHost[]): Promise<void> {
  try {
    const changes = await run.store.transaction(async (tx) => {
      const held = await holdAll(run, tx, group);
      const out = await runStepForHosts(run, tx, step, held);
      await saveAll(
        run,
        tx,
        out.map(([l, change]) => [l, change.progress]),
      );
      return { held: new Set(held), out };
    });
    settleGroup(group, changes, (l, change) => {
      Object.assign(l, change);
      announceStep(run, l, step);
    });
  } catch (error) {
    run.log.debug({ err: error, step, hosts: group.length }, 'batch step failed; running its hosts one by one');
    for (const l of group) await runOne(run, step, l);
  }
}

async function runOne(run: BatchRun, step: StepName, l: LiveHost): Promise<void> {
  try {
    const change = await run.store.transaction(async (tx) => {
      await holdOne(run, tx, l);
      const [[, result]] = (await runStepForHosts(run, tx, step, [l])) as [[LiveHost, StepChange]];
      await saveAll(run, tx, [[l, result.progress]]);
      return result;
    });
    Object.assign(l, change);
    announceStep(run, l, step);
  } catch (error) {
    await recordError(run, l, error, (reason) => finishStep(run, l, step, { ok: false, reason }));
  }
}

async function compensateOne(run: BatchRun, step: StepName, l: LiveHost): Promise<void> {
  const state = l.progress.steps.find((s) => s.step === step)!;
  try {
    const progress = await run.store.transaction(async (tx) => {
      await holdOne(run, tx, l);
      const result = await registrationSteps[step].compensate(createContext(run, tx, l), state);
      const next = applyCompensation(l.progress, step, result, run.now());
      await saveAll(run, tx, [[l, next]]);
      return next;
    });
    announceStep(run, l, step);
    l.progress = progress;
  } catch (error) {
    await recordError(run, l, error, (reason) => ({
      progress: applyCompensation(l.progress, step, { ok: false, message: reason.message }, run.now()),
      started: null,
    }));
  }
}

/** A catalogued error fails the step (in a transaction of its own); anything else leaves the host to its lease. */
async function recordError(run: BatchRun, l: LiveHost, error: unknown, fail: (reason: StepReason) => StepChange): Promise<void> {
  if (error instanceof LeaseLost) {
    l.lost = true;
    return;
  }
  if (!isAppError(error)) {
    run.log.error(
      { err: error, job: l.host.jobId, host: l.host.index },
      'registration step failed unexpectedly; the host is retried when its lease expires',
    );
    l.lost = true;
    return;
  }
  try {
    const change = fail({ code: error.code, message: error.detail });
    await run.store.transaction(async (tx) => {
      await holdOne(run, tx, l);
      await saveAll(run, tx, [[l, change.progress]]);
    });
    Object.assign(l, change);
    reportProgress(run, l);
  } catch (inner) {
    if (!(inner instanceof LeaseLost))
      run.log.error({ err: inner, job: l.host.jobId, host: l.host.index }, 'could not record a failed step');
    l.lost = true;
  }
}
