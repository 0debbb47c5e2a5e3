/**
 * Wakes agents' long-polls when something that matters to a host changes in this process. Other replicas'
 * changes are caught by the poll's periodic re-check, so this is an optimisation, never the source of truth.
 * Every wait is keyed by what it waits for (a host id, a uuid, a serial), so a change wakes only the agents it
 * concerns: a 1,000-host job wakes each waiting agent once, not 1,000 times.
 */
import { EventEmitter } from 'node:events';
import type { HostRegistration } from '../domain/inventory/host.ts';
import { waitForEvent } from './wait-for-event.ts';

/** The identity an enrolling agent presents, and a registration carries. */
export type HostIdentity = Pick<HostRegistration, 'uuid' | 'serial'>;

/** One key per value the identity has: an agent that presents a uuid and a serial is woken by either. */
function identityKeys(project: string, { uuid, serial }: HostIdentity): string[] {
  return [...(uuid === null ? [] : [`${project}:uuid:${uuid}`]), ...(serial === null ? [] : [`${project}:serial:${serial}`])];
}

export class HostEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0); // one listener per idle agent
  }

  /** Call after any write that may change a host's desired state. */
  changed(project: string, hostId: string): void {
    this.#emitter.emit(`${project}/${hostId}`);
  }

  /** Call after a host is registered (wakes the agents waiting to enroll with its uuid or serial). */
  registered(project: string, identity: HostIdentity): void {
    for (const key of identityKeys(project, identity)) this.#emitter.emit(key);
  }

  /** Resolves on the next change for the host, or after `timeoutMs`, or when `signal` aborts. */
  waitForChange(project: string, hostId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return waitForEvent(this.#emitter, `${project}/${hostId}`, timeoutMs, signal);
  }

  /** Resolves on the next registration of a host with the uuid or serial, or after `timeoutMs`, or when `signal` aborts. */
  waitForRegistration(project: string, identity: HostIdentity, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return waitForEvent(this.#emitter, identityKeys(project, identity), timeoutMs, signal);
  }
}
