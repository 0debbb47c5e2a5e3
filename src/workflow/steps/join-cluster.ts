/** The create-cluster step of a host that joins an existing cluster (computeJoinDecision decides). */
import type { OsProfile } from '../../domain/inventory/os-profile.ts';
import { computeJoinDecision } from '../../domain/registration/join-cluster.ts';
import { requireHostId, type StepContext, type StepPlan } from './step.ts';

export async function planClusterJoin(ctx: StepContext, profile: OsProfile, role: 'controlplane' | 'worker'): Promise<StepPlan> {
  const { store, project, plan, hostId, refs } = ctx;
  const name = plan.cluster!.name;
  const [byHost, byName] = await Promise.all([
    hostId === null ? null : store.clusters.findByHost(project, hostId),
    store.clusters.find(project, name),
  ]);
  const clusterTemplate = byName ? await refs.template(store, project, byName.template) : null;
  const decision = computeJoinDecision({
    host: { id: hostId ?? '(new host)', name: plan.registration.name },
    role,
    name,
    template: plan.template!,
    profile,
    byHost,
    byName,
    clusterTemplate,
  });
  if (decision.kind === 'fail') return { kind: 'fail', reason: { ...decision.reason, field: `hosts/${plan.index}/cluster` } };
  if (decision.kind !== 'join') return decision;
  return {
    kind: 'create',
    create: async (tx) => {
      await tx.clusters.addNodes(project, name, [{ hostId: requireHostId(ctx, 'create-cluster'), role }]);
      await tx.clusters.update(project, name, { message: `host ${plan.registration.name} joining` });
      return name;
    },
  };
}
