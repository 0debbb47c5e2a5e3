/** create-instance: one instance per host on the plan's OS profile; the same profile again is AlreadyProvisioned. */
import { notFound } from '../../domain/errors.ts';
import { parseOsProfileRef } from '../../domain/inventory/os-profile.ts';
import { computeInstanceDecision } from '../../domain/registration/registration-decisions.ts';
import { requireHostId, toGroupPlan, type PlannedStep, type RegistrationStep, type StepHost } from './step.ts';

interface NewInstance {
  host: StepHost;
  osProfile: { name: string; version: string };
}

export const createInstanceStep: RegistrationStep = {
  name: 'create-instance',

  async plan({ store, project, refs }, hosts) {
    const hostIds = hosts.flatMap((h) => (h.hostId === null ? [] : [h.hostId]));
    const existing = new Map((await store.instances.findByHosts(project, hostIds)).map((i) => [i.hostId, i]));
    const planned: PlannedStep<NewInstance>[] = [];
    for (const host of hosts) {
      const { plan } = host;
      const osProfile = plan.osProfile;
      if (osProfile === null) throw new Error(`hosts/${plan.index} has no OS profile but its job provisions`);
      const profile = await refs.osProfile(store, project, osProfile);
      if (!profile) {
        const error = notFound('OS profile', osProfile);
        planned.push({
          kind: 'fail',
          reason: { code: error.code, message: `${error.detail}; import it, then retry the job`, field: `hosts/${plan.index}/osProfile` },
        });
        continue;
      }
      const decision = computeInstanceDecision(parseOsProfileRef(osProfile), (host.hostId && existing.get(host.hostId)) || null);
      // The version resolved now is the one recorded, even if a newer one is imported before the write.
      planned.push(
        decision.kind === 'create'
          ? { kind: 'create', write: { host, osProfile: { name: profile.name, version: profile.version } } }
          : decision,
      );
    }
    return toGroupPlan(planned, async (tx, writes) => {
      const inputs = writes.map((w) => ({ hostId: requireHostId(w.host, 'create-instance'), osProfile: w.osProfile }));
      return (await tx.instances.createMany(project, inputs)).map((i) => i.id);
    });
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
