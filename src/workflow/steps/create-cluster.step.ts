/**
 * create-cluster: a single-node cluster (role all) on the host's OS profile, or, for role controlplane or
 * worker, joining the existing cluster the plan names (join-cluster.ts). The template is checked against the
 * profile before anything is written; an incompatible pair fails with the compatibility reason. The cluster gets
 * its project's cluster driver (agent unless the project chose capi).
 */
import { notFound } from '../../domain/errors.ts';
import { computeAutoCluster, computeClusterDecision } from '../../domain/registration/registration-decisions.ts';
import { formatTemplateRef } from '../../domain/inventory/template.ts';
import { planClusterJoin } from './join-cluster.ts';
import { requireHostId, type RegistrationStep } from './step.ts';

export const createClusterStep: RegistrationStep = {
  name: 'create-cluster',

  async plan(ctx) {
    const { store, project, plan, hostId, refs } = ctx;
    if (!plan.template || !plan.cluster || !plan.osProfile)
      throw new Error(`hosts/${plan.index} has no template, cluster or OS profile but its job creates clusters`);
    const template = await refs.template(store, project, plan.template);
    if (!template) {
      const error = notFound('template', formatTemplateRef(plan.template));
      return {
        kind: 'fail',
        reason: { code: error.code, message: `${error.detail}; import it, then retry the job`, field: `hosts/${plan.index}/template` },
      };
    }
    const profile = await refs.osProfile(store, project, plan.osProfile);
    if (!profile) {
      const error = notFound('OS profile', plan.osProfile);
      return { kind: 'fail', reason: { code: error.code, message: error.detail, field: `hosts/${plan.index}/osProfile` } };
    }
    if (plan.cluster.role) return planClusterJoin(ctx, profile, plan.cluster.role);
    const auto = computeAutoCluster({ plan, hostId: hostId ?? '(new host)', template, profile });
    if (!auto.ok) return { kind: 'fail', reason: { ...auto.reason, field: `hosts/${plan.index}/template` } };
    const [byHost, byName] = await Promise.all([
      hostId === null ? null : store.clusters.findByHost(project, hostId),
      store.clusters.find(project, plan.cluster.name),
    ]);
    const decision = computeClusterDecision(auto.cluster, { byHost, byName });
    if (decision.kind !== 'create') return decision;
    const { clusterDriver: driver } = await store.managementClusters.settings(project);
    return {
      kind: 'create',
      create: async (tx) => {
        const node = requireHostId(ctx, 'create-cluster');
        return (await tx.clusters.create(project, { ...auto.cluster, driver, nodes: [{ hostId: node, role: 'all' }] })).name;
      },
    };
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
