/**
 * Wakes agents' long-polls when something that matters to a host changes in this process. Other replicas'
 * changes are caught by the poll's periodic re-check, so this is an optimisation, never the source of truth.
 */
import { EventEmitter } from 'node:events';
import { waitForEvent } from './wait-for-event.ts';

export class HostEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0); // one listener per idle agent
  }

  /** Call after any write that may change a host's desired state. */
  changed(project: string, hostId: string): void {
    this.#emitter.emit(`${project}/${hostId}`);
  }

  /** Call after a host is registered in the project (wakes agents waiting to enroll). */
  registered(project: string): void {
    this.#emitter.emit(`${project}:registered`);
  }

  /** Resolves on the next change for the host, or after `timeoutMs`, or when `signal` aborts. */
  waitForChange(project: string, hostId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return waitForEvent(this.#emitter, `${project}/${hostId}`, timeoutMs, signal);
  }

  /** Resolves on the next registration in the project, or after `timeoutMs`, or when `signal` aborts. */
  waitForRegistration(project: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return waitForEvent(this.#emitter, `${project}:registered`, timeoutMs, signal);
  }
}
