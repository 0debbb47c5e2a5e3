/** register-host: the host with the same uuid/serial and the same data counts as registered (AlreadyRegistered). */
import { computeRegisterHostDecision } from '../../domain/registration/registration-decisions.ts';
import type { RegistrationStep } from './step.ts';

export const registerHostStep: RegistrationStep = {
  name: 'register-host',

  async plan({ store, project, plan }) {
    const { registration } = plan;
    const byIdentity = await store.hosts.findByIdentity(project, { uuid: registration.uuid, serial: registration.serial });
    const byName = byIdentity ? null : await store.hosts.findByName(project, registration.name);
    const decision = computeRegisterHostDecision(registration, { byIdentity, byName });
    if (decision.kind !== 'create') return decision;
    return { kind: 'create', create: async (tx) => (await tx.hosts.register(project, registration)).id };
  },

  async compensate({ store, project }, state) {
    if (state.resourceId === null) return { ok: true, message: 'nothing to undo: no host was registered' };
    if (!state.created) return { ok: true, message: `kept host ${state.resourceId}: it was registered before this job` };
    const host = await store.hosts.find(project, state.resourceId);
    if (!host) return { ok: true, message: `host ${state.resourceId} was already deleted` };
    await store.hosts.delete(project, host.id);
    return { ok: true, message: `deleted host ${host.name} (id ${host.id}), registered by this job` };
  },
};
