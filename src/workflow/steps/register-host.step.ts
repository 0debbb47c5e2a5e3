/** register-host: the host with the same uuid/serial and the same data counts as registered (AlreadyRegistered). */
import type { Host, HostRegistration } from '../../domain/inventory/host.ts';
import { computeRegisterHostDecision } from '../../domain/registration/registration-decisions.ts';
import { toGroupPlan, type PlannedStep, type RegistrationStep } from './step.ts';

export const registerHostStep: RegistrationStep = {
  name: 'register-host',

  async plan({ store, project }, hosts) {
    const registrations = hosts.map((h) => h.plan.registration);
    const known = await store.hosts.findByIdentities(project, registrations);
    const byUuid = new Map(known.flatMap((h) => (h.uuid === null ? [] : [[h.uuid, h] as const])));
    const bySerial = new Map(known.flatMap((h) => (h.serial === null ? [] : [[h.serial, h] as const])));
    // The lower id of the two matches: the host a lookup of this one registration (ordered by id) finds.
    const byIdentity = (r: HostRegistration): Host | null => {
      const matches = [r.uuid === null ? undefined : byUuid.get(r.uuid), r.serial === null ? undefined : bySerial.get(r.serial)];
      return matches.filter((h) => h !== undefined).sort((a, b) => (a.id < b.id ? -1 : 1))[0] ?? null;
    };
    const unknown = registrations.filter((r) => byIdentity(r) === null);
    const named = new Map(
      (
        await store.hosts.findByNames(
          project,
          unknown.map((r) => r.name),
        )
      ).map((h) => [h.name, h]),
    );
    const planned = registrations.map((registration): PlannedStep<HostRegistration> => {
      const found = byIdentity(registration);
      const decision = computeRegisterHostDecision(registration, {
        byIdentity: found,
        byName: found ? null : (named.get(registration.name) ?? null),
      });
      return decision.kind === 'create' ? { kind: 'create', write: registration } : decision;
    });
    return toGroupPlan(planned, async (tx, writes) =>
      // One host (run alone after its group failed) gets the clash checks, whose error names the existing host.
      writes.length === 1
        ? [(await tx.hosts.register(project, writes[0]!)).id]
        : (await tx.hosts.registerMany(project, writes)).map((h) => h.id),
    );
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
