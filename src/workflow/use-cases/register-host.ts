/** Registering one host by hand (bulk registration goes through a job). */
import type { Host, HostRegistration } from '../../domain/inventory/host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

/** Registers the host and wakes the agents that wait to enroll with its uuid or serial. */
export async function registerHost(
  { store, events }: Pick<UseCaseDeps, 'store' | 'events'>,
  project: string,
  registration: HostRegistration,
): Promise<Host> {
  const host = await store.hosts.register(project, registration);
  events.registered(host.project, host);
  return host;
}
