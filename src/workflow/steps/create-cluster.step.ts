/**
 * create-cluster: a single-node cluster (role all) on the host's OS profile, or, for role controlplane or
 * worker, joining the existing cluster the plan names (join-cluster.ts). The template is checked against the
 * profile before anything is written; an incompatible pair fails with the compatibility reason. The cluster gets
 * its project's cluster driver (agent unless the project chose capi).
 */
import { notFound } from '../../domain/errors.ts';
import { formatTemplateRef } from '../../domain/inventory/template.ts';
import { computeAutoCluster, computeClusterDecision, type AutoCluster } from '../../domain/registration/registration-decisions.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import { planClusterJoin, writeClusterJoin, type ClusterJoin } from './join-cluster.ts';
import { requireHostId, toGroupPlan, type PlannedStep, type RegistrationStep, type StepGroupContext, type StepHost } from './step.ts';

/** What a host's create-cluster step writes: a new single-node cluster, or its node in an existing one. */
type ClusterWrite = { kind: 'new'; host: StepHost; cluster: AutoCluster } | { kind: 'join'; host: StepHost; join: ClusterJoin };

/** The clusters the group's hosts are nodes of, by host id, and those with the names the plans want. */
async function observe({ store, project }: StepGroupContext, hosts: readonly StepHost[]) {
  const hostIds = hosts.flatMap((h) => (h.hostId === null ? [] : [h.hostId]));
  const names = hosts.flatMap((h) => (h.plan.cluster ? [h.plan.cluster.name] : []));
  const byHost = new Map<string, Cluster>();
  for (const cluster of await store.clusters.findByHosts(project, hostIds))
    for (const node of cluster.nodes) byHost.set(node.hostId, cluster);
  const byName = new Map((await store.clusters.findByNames(project, names)).map((c) => [c.name, c]));
  return { byHost, byName };
}

export const createClusterStep: RegistrationStep = {
  name: 'create-cluster',

  async plan(ctx, hosts) {
    const { store, project, refs } = ctx;
    const existing = await observe(ctx, hosts);
    const planned: PlannedStep<ClusterWrite>[] = [];
    for (const host of hosts) {
      const { plan, hostId } = host;
      if (!plan.template || !plan.cluster || !plan.osProfile)
        throw new Error(`hosts/${plan.index} has no template, cluster or OS profile but its job creates clusters`);
      const template = await refs.template(store, project, plan.template);
      if (!template) {
        const error = notFound('template', formatTemplateRef(plan.template));
        planned.push({
          kind: 'fail',
          reason: { code: error.code, message: `${error.detail}; import it, then retry the job`, field: `hosts/${plan.index}/template` },
        });
        continue;
      }
      const profile = await refs.osProfile(store, project, plan.osProfile);
      if (!profile) {
        const error = notFound('OS profile', plan.osProfile);
        planned.push({ kind: 'fail', reason: { code: error.code, message: error.detail, field: `hosts/${plan.index}/osProfile` } });
        continue;
      }
      if (plan.cluster.role) {
        const join = await planClusterJoin(ctx, host, profile, plan.cluster.role);
        planned.push(join.kind === 'create' ? { kind: 'create', write: { kind: 'join', host, join: join.write } } : join);
        continue;
      }
      const auto = computeAutoCluster({ plan, hostId: hostId ?? '(new host)', template, profile });
      if (!auto.ok) {
        planned.push({ kind: 'fail', reason: { ...auto.reason, field: `hosts/${plan.index}/template` } });
        continue;
      }
      const decision = computeClusterDecision(auto.cluster, {
        byHost: (hostId && existing.byHost.get(hostId)) || null,
        byName: existing.byName.get(auto.cluster.name) ?? null,
      });
      planned.push(decision.kind === 'create' ? { kind: 'create', write: { kind: 'new', host, cluster: auto.cluster } } : decision);
    }
    const { clusterDriver: driver } = await store.managementClusters.settings(project);
    return toGroupPlan(planned, async (tx, writes) => {
      const fresh = writes.flatMap((w) =>
        w.kind === 'new'
          ? [{ ...w.cluster, driver, nodes: [{ hostId: requireHostId(w.host, 'create-cluster'), role: 'all' as const }] }]
          : [],
      );
      // One cluster (run alone after its group failed) gets the checks whose errors name what clashes.
      const created =
        fresh.length === 0
          ? []
          : fresh.length === 1
            ? [(await tx.clusters.create(project, fresh[0]!)).name]
            : (await tx.clusters.createMany(project, fresh)).map((c) => c.name);
      const names: string[] = [];
      let next = 0;
      for (const w of writes) names.push(w.kind === 'new' ? created[next++]! : await writeClusterJoin(tx, project, w.host, w.join));
      return names;
    });
  },

  async compensate(ctx, state) {
    const { store, project } = ctx;
    if (state.resourceId === null) return { ok: true, message: 'nothing to undo: no cluster was created' };
    if (!state.created) return { ok: true, message: `kept cluster ${state.resourceId}: it existed before this job` };
    const cluster = await store.clusters.find(project, state.resourceId);
    if (!cluster) return { ok: true, message: `cluster ${state.resourceId} was already deleted` };
    const joined = ctx.hostId !== null && cluster.nodes.length > 1 && cluster.nodes.some((n) => n.hostId === ctx.hostId);
    if (joined) {
      await store.clusters.update(project, cluster.name, { nodes: cluster.nodes.filter((n) => n.hostId !== ctx.hostId) });
      return { ok: true, message: `host left cluster ${cluster.name}, which this job had it join` };
    }
    await store.clusters.delete(project, cluster.name);
    return { ok: true, message: `deleted cluster ${cluster.name}, created by this job` };
  },
};
