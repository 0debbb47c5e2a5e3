/**
 * The registration worker: claims batches of hosts and runs them (host-batch.ts) until stopped. Started by
 * startServer next to the API; any number of processes may run one against a shared PostgreSQL database.
 * Between batches it sleeps until woken by a queued job (the WorkSignal it shares with the API) or until `pollMs`
 * passes, which is how it notices jobs made by other processes and hosts whose lease expired.
 */
import { setImmediate } from 'node:timers/promises';
import { createClaimer, type Claimer } from './claim.ts';
import { runHostBatch, type WorkflowLogger } from './host-batch.ts';
import type { HostEvents } from './host-events.ts';
import { WorkSignal } from './work-signal.ts';
import type { Store } from '../store/store.ts';

export interface RegistrationEngineOptions {
  store: Store;
  log?: WorkflowLogger;
  /** Hosts per claim: each step runs for a whole batch in a few statements, so bigger batches mean fewer. */
  batchSize?: number;
  /** Batches run at once; SQLite has one connection, so more than one only helps PostgreSQL. */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  owner?: string;
  /** Told after each committed step, to wake agents (see host-batch.ts). */
  events?: HostEvents;
  /** Wakes the worker when a job is queued; told when a job moves. Shared with the API; a new one by default. */
  work?: WorkSignal;
}

export interface RegistrationEngine {
  readonly owner: string;
  start(): Promise<void>;
  /** Finishes the batches in hand, then gives back this worker's leases. */
  stop(): Promise<void>;
  /** Claims and runs batches until none is left (tests; the running engine does this by itself). */
  drain(): Promise<void>;
}

const silent: WorkflowLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function createRegistrationEngine({
  store,
  log = silent,
  batchSize = 500,
  concurrency = store.engine === 'postgres' ? 2 : 1,
  leaseMs = 15_000,
  pollMs = 1_000,
  owner,
  events,
  work = new WorkSignal(),
}: RegistrationEngineOptions): RegistrationEngine {
  const claimer: Claimer = createClaimer({ store, batchSize, leaseMs, ...(owner ? { owner } : {}) });
  const inFlight = new Set<string>();
  const loops: Promise<void>[] = [];
  let stopped = true;
  let wake: (() => void)[] = [];
  let unsubscribe: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const wakeAll = (): void => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };

  function sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      wake.push(done);
    });
  }

  /** Claims one batch and runs it; false when there was nothing to claim. */
  async function runOneBatch(): Promise<boolean> {
    const batch = await claimer.claim();
    if (batch.length === 0) return false;
    for (const host of batch) inFlight.add(host.key);
    try {
      await runHostBatch({ store, owner: claimer.owner, leaseMs: claimer.leaseMs, log, work, ...(events ? { events } : {}) }, batch);
    } finally {
      for (const host of batch) inFlight.delete(host.key);
    }
    return true;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let worked = false;
      try {
        worked = await runOneBatch();
      } catch (error) {
        log.error({ err: error }, 'registration batch failed; its hosts are retried when their lease expires');
      }
      if (!worked && !stopped) await sleep();
      // better-sqlite3 answers synchronously, so without this a long job would starve the API's requests.
      else await setImmediate();
    }
  }

  return {
    owner: claimer.owner,
    async start() {
      if (!stopped) return;
      stopped = false;
      const recovered = await claimer.recover();
      if (recovered > 0) log.info({ hosts: recovered }, 'resuming registration hosts left running by a stopped server');
      unsubscribe = work.onJobQueued(wakeAll);
      heartbeat = setInterval(
        () => {
          claimer.renew([...inFlight]).catch((error: unknown) => log.warn({ err: error }, 'could not renew registration leases'));
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      heartbeat.unref();
      for (let i = 0; i < concurrency; i += 1) loops.push(loop());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe?.();
      wakeAll();
      await Promise.all(loops.splice(0));
      if (heartbeat) clearInterval(heartbeat);
      await claimer.release();
    },
    async drain() {
      while (await runOneBatch());
    },
  };
}
