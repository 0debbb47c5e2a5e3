/** The create-cluster step of a host that joins an existing cluster (computeJoinDecision decides). */
import type { OsProfile } from '../../domain/inventory/os-profile.ts';
import { computeJoinDecision } from '../../domain/registration/join-cluster.ts';
import type { Store } from '../../store/store.ts';
import { requireHostId, type PlannedStep, type StepGroupContext, type StepHost } from './step.ts';

export interface ClusterJoin {
  name: string;
  role: 'controlplane' | 'worker';
  airGapped: boolean;
}

export async function planClusterJoin(
  { store, project, refs }: StepGroupContext,
  { plan, hostId }: StepHost,
  profile: OsProfile,
  role: ClusterJoin['role'],
): Promise<PlannedStep<ClusterJoin>> {
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
  return { kind: 'create', write: { name, role, airGapped: decision.airGapped } };
}

/** Adds the host to the cluster it joins; the cluster's name is the step's resource. */
export async function writeClusterJoin(
  tx: Store,
  project: string,
  host: StepHost,
  { name, role, airGapped }: ClusterJoin,
): Promise<string> {
  const cluster = await tx.clusters.addNodes(project, name, [{ hostId: requireHostId(host, 'create-cluster'), role }]);
  await tx.clusters.update(project, name, {
    message: `host ${host.plan.registration.name} joining`,
    airGapped: cluster.airGapped && airGapped,
  });
  return name;
}
