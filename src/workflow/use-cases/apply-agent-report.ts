/**
 * An agent's report applied to the inventory: what computeReportEffects decides (the observed OS, the cluster's
 * phase and kubeconfig, the host's state) and the report's summary for the host details are written in one
 * transaction, and the host's agent is woken.
 * A report about a cluster of the project that the host is not a node of (nor owes a cleanup for) is refused: a
 * host speaks only for its own cluster. A report naming a cluster that no longer exists (its removal finished) is accepted and ignored.
 * A host reporting the new image of an allowed OS profile change moves its cluster's recorded K3s version; a node
 * of a rolling upgrade reporting ready on the new K3s moves the next node (upgrade-cluster.ts).
 */
import { computeReportEffects, type AgentReport, type ReportEffects } from '../../domain/bootstrap/agent-report.ts';
import { computeReportedClusterVersion } from '../../domain/compatibility/reported-cluster-version.ts';
import { AppError } from '../../domain/errors.ts';
import { summarizeReport } from '../../domain/bootstrap/last-report.ts';
import { parseReportedKubeconfig } from '../../domain/bootstrap/reported-kubeconfig.ts';
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { Instance } from '../../domain/inventory/instance.ts';
import { reasonCodes } from '../../domain/reasons.ts';
import type { Store } from '../../store/store.ts';
import { advanceClusterUpgrade } from './upgrade-cluster.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function applyAgentReport(
  { store, events }: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, hostId, report }: { project: string; hostId: string; report: AgentReport },
): Promise<void> {
  const woken = await store.transaction(async (tx) => {
    const host = await tx.hosts.get(project, hostId);
    const [instance, cluster, cleanup] = await Promise.all([
      tx.instances.findByHost(project, hostId),
      tx.clusters.findByHost(project, hostId),
      tx.clusters.findCleanup(project, hostId),
    ]);
    const named = report.cluster?.name ?? null;
    if (named !== null && named !== cluster?.name && named !== cleanup && (await tx.clusters.find(project, named)))
      throw new AppError('Forbidden', `host ${host.name} is not a node of cluster ${named} and may not report about it`, {
        reason: reasonCodes.NotHostsCluster,
      });
    // A kubeconfig reaches operators' kubectl: only a plain certificate/token one is kept (reported-kubeconfig.ts).
    const kubeconfig = report.cluster?.kubeconfig;
    if (kubeconfig !== undefined) report = { ...report, cluster: { ...report.cluster!, kubeconfig: parseReportedKubeconfig(kubeconfig) } };
    const effects = computeReportEffects({ host, instance, cluster, cleanup, report });
    await applyEffects(tx, { project, hostId, instance, cluster, effects });
    const kubernetesVersion = computeReportedClusterVersion({ instance, cluster, manifest: report.manifest });
    if (cluster && kubernetesVersion && !(effects.cluster && 'delete' in effects.cluster))
      await tx.clusters.update(project, cluster.name, { kubernetesVersion });
    const now = new Date().toISOString();
    const nodePhase = effects.cluster && 'phase' in effects.cluster ? effects.cluster.nodePhase : undefined;
    const moving =
      cluster && nodePhase
        ? await advanceClusterUpgrade(tx, {
            project,
            cluster,
            report: {
              hostId,
              host: host.name,
              phase: nodePhase,
              message: report.cluster?.message ?? '',
              image: report.manifest?.image ?? null,
            },
            now,
          })
        : null;
    await tx.hostReports.put(project, hostId, summarizeReport(report, now));
    return moving;
  });
  events.changed(project, hostId);
  // The next node of a rolling upgrade has a new desired state.
  if (woken !== null) events.changed(project, woken);
}

async function applyEffects(
  tx: Store,
  {
    project,
    hostId,
    instance,
    cluster,
    effects,
  }: { project: string; hostId: string; instance: Instance | null; cluster: Cluster | null; effects: ReportEffects },
): Promise<void> {
  if (instance && effects.observedOsProfile !== undefined)
    await tx.instances.setObserved(project, instance.id, effects.observedOsProfile, effects.observedOsVersion ?? null);
  if (effects.cleanupDone) await tx.clusters.clearCleanup(project, hostId);
  if (cluster && effects.cluster) {
    if ('delete' in effects.cluster) await tx.clusters.delete(project, cluster.name);
    else {
      if (effects.cluster.nodePhase) await tx.clusters.setNodePhase(project, cluster.name, hostId, effects.cluster.nodePhase);
      await tx.clusters.update(project, cluster.name, { phase: effects.cluster.phase, message: effects.cluster.message });
      if (effects.cluster.kubeconfig) await tx.clusters.setKubeconfig(project, cluster.name, effects.cluster.kubeconfig);
    }
  }
  if (effects.hostState) await tx.hosts.setState(project, hostId, effects.hostState);
}
