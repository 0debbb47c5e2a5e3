/** create-instance: one instance per host on the plan's OS profile; the same profile again is AlreadyProvisioned. */
import { notFound } from '../../domain/errors.ts';
import { computeInstanceDecision } from '../../domain/registration/registration-decisions.ts';
import { parseOsProfileRef } from '../../domain/inventory/os-profile.ts';
import { requireHostId, type RegistrationStep } from './step.ts';

export const createInstanceStep: RegistrationStep = {
  name: 'create-instance',

  async plan(ctx) {
    const { store, project, plan, hostId, refs } = ctx;
    const osProfile = plan.osProfile;
    if (osProfile === null) throw new Error(`hosts/${plan.index} has no OS profile but its job provisions`);
    const profile = await refs.osProfile(store, project, osProfile);
    if (!profile) {
      const error = notFound('OS profile', osProfile);
      return {
        kind: 'fail',
        reason: { code: error.code, message: `${error.detail}; import it, then retry the job`, field: `hosts/${plan.index}/osProfile` },
      };
    }
    const existing = hostId === null ? null : await store.instances.findByHost(project, hostId);
    const decision = computeInstanceDecision(parseOsProfileRef(osProfile), existing);
    if (decision.kind !== 'create') return decision;
    // The version resolved now is the one recorded, even if a newer one is imported before the write.
    const exact = { name: profile.name, version: profile.version };
    return {
      kind: 'create',
      create: async (tx) => (await tx.instances.create(project, { hostId: requireHostId(ctx, 'create-instance'), osProfile: exact })).id,
    };
  },

  async compensate({ store, project, hostId }, state) {
    if (state.resourceId === null) return { ok: true, message: 'nothing to undo: no instance was created' };
    if (!state.created) return { ok: true, message: `kept instance ${state.resourceId}: it existed before this job` };
    const instance = hostId === null ? null : await store.instances.findByHost(project, hostId);
    if (!instance || instance.id !== state.resourceId) return { ok: true, message: `instance ${state.resourceId} was already deleted` };
    await store.instances.delete(project, instance.id);
    return {
      ok: true,
      message: `deleted instance ${instance.id} (OS profile ${instance.osProfile}:${instance.osProfileVersion}), created by this job`,
    };
  },
};
