/**
 * Registration work in this process, both ways: requests tell the workers that a job was queued (so they need
 * not wait for their poll), and workers tell waiting requests that a job moved. Created once by the composition
 * root and handed to both. Other replicas' jobs are seen by the workers' poll and the waiters' re-check.
 */
import { EventEmitter } from 'node:events';
import { waitForEvent } from './wait-for-event.ts';

const QUEUED = 'queued';

export class WorkSignal {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0); // one listener per worker loop and per waiting request
  }

  /** Call after a job is created or retried. */
  jobQueued(): void {
    this.#emitter.emit(QUEUED);
  }

  /** Calls `listener` on every queued job; returns the function that unsubscribes. */
  onJobQueued(listener: () => void): () => void {
    this.#emitter.on(QUEUED, listener);
    return () => this.#emitter.off(QUEUED, listener);
  }

  /** Call after a host of the job committed a step (the job may have finished). */
  jobProgressed(project: string, jobId: string): void {
    this.#emitter.emit(`${project}/${jobId}`);
  }

  /** Resolves on the job's next progress, or after `timeoutMs`, or when `signal` aborts. */
  waitForJobProgress(project: string, jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return waitForEvent(this.#emitter, `${project}/${jobId}`, timeoutMs, signal);
  }
}
