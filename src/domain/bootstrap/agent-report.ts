/**
 * What an agent tells the orchestrator, and what follows from it (pure): the observed OS moves the instance to
 * running; a node's phase moves its host along (DESIGN.md host states), and the cluster's phase follows from all
 * its nodes'. A cluster being deleted is deleted once every node reported its K3s removed.
 */
import type { Cluster, ClusterPhase, NodePhase } from '../inventory/cluster.ts';
import { computeClusterPhase, computeFirstServer } from '../inventory/cluster-topology.ts';
import { invalidField } from '../errors.ts';
import { describe, isRecord } from '../fields.ts';
import type { Host, HostState } from '../inventory/host.ts';
import type { ImageManifest } from '../inventory/image-manifest.ts';
import { computeInstanceState, type Instance } from '../inventory/instance.ts';

export type AgentClusterPhase = NodePhase;
export const AGENT_CLUSTER_PHASES: readonly AgentClusterPhase[] = ['installing', 'ready', 'failed', 'removing', 'removed'];

export interface AgentReport {
  /** The image manifest the host runs (/etc/edge-orch/image-manifest.json), null when it has none. */
  manifest: Pick<ImageManifest, 'image' | 'kubernetes'> | null;
  cluster: { name: string | null; phase: AgentClusterPhase; message: string; kubeconfig?: string } | null;
}

export interface ReportEffects {
  /** Set, with observedOsVersion, when what the host runs changed. */
  observedOsProfile?: string | null;
  observedOsVersion?: string | null;
  hostState?: HostState;
  /** The cluster's new phase (from every node's, see computeClusterPhase) and this node's; or delete it. */
  cluster?: { phase: ClusterPhase; message: string; nodePhase?: NodePhase; kubeconfig?: string } | { delete: true };
  /** The host removed K3s of the cluster it left: its cleanup is done. */
  cleanupDone?: true;
}

/** The OS profile a host runs, as its manifest names it. */
export function computeObservedProfile(manifest: AgentReport['manifest']): string | null {
  return manifest?.image?.name ?? null;
}

export function computeReportEffects({
  host,
  instance,
  cluster,
  cleanup = null,
  report,
}: {
  host: Host;
  instance: Instance | null;
  cluster: Cluster | null;
  /** The cluster the host left and still owes a K3s cleanup for. */
  cleanup?: string | null;
  report: AgentReport;
}): ReportEffects {
  const effects: ReportEffects = {};
  const observed = computeObservedProfile(report.manifest);
  const observedVersion = report.manifest?.image?.version ?? null;
  if (instance && (instance.observedOsProfile !== observed || instance.observedOsVersion !== observedVersion)) {
    effects.observedOsProfile = observed;
    effects.observedOsVersion = observedVersion;
  }
  const running = instance !== null && computeInstanceState(instance.osProfile, observed) === 'running';
  const reported = report.cluster;
  if (cleanup !== null && reported?.phase === 'removed' && (reported.name === cleanup || reported.name === null))
    effects.cleanupDone = true;
  const node = cluster?.nodes.find((n) => n.hostId === host.id);
  let nodePhase = node?.phase;
  if (cluster && node && reported && (reported.name === cluster.name || reported.name === null)) {
    if (cluster.phase === 'deleting' || host.state === 'deauthorized') {
      if (reported.phase === 'removed') {
        nodePhase = 'removed';
        const others = cluster.nodes.filter((n) => n.hostId !== host.id);
        effects.cluster = others.every((n) => n.phase === 'removed')
          ? { delete: true }
          : {
              phase: cluster.phase,
              message: `host ${host.name} removed K3s; waiting for ${others.filter((n) => n.phase !== 'removed').length} more`,
              nodePhase,
            };
      }
    } else {
      nodePhase = reported.phase;
      const nodes = cluster.nodes.map((n) => (n.hostId === host.id ? { ...n, phase: reported.phase } : n));
      const phase = computeClusterPhase(nodes);
      const firstServer = computeFirstServer(cluster.nodes)?.hostId === host.id;
      effects.cluster = {
        phase,
        message: cluster.nodes.length > 1 ? `${host.name}: ${reported.message}` : reported.message,
        nodePhase,
        ...(reported.kubeconfig && reported.phase === 'ready' && firstServer ? { kubeconfig: reported.kubeconfig } : {}),
      };
    }
  }
  if (host.state !== 'deauthorized') {
    const inCluster = effects.cluster && 'delete' in effects.cluster ? false : node !== undefined && nodePhase === 'ready';
    const next: HostState = inCluster ? 'in-cluster' : running ? 'provisioned' : 'onboarded';
    if (next !== host.state) effects.hostState = next;
  }
  return effects;
}

/** Validates a report body beyond its schema: names and lengths that reach the store. */
export function parseAgentReport(value: unknown): AgentReport {
  if (!isRecord(value)) throw invalidField('/', `an agent report must be an object, got ${describe(value)}`);
  const manifest = value['manifest'];
  const cluster = value['cluster'];
  if (manifest !== null && manifest !== undefined && (!isRecord(manifest) || !isRecord(manifest['image']))) {
    throw invalidField('manifest/image', 'manifest must be null or an image manifest with an image section');
  }
  if (cluster !== null && cluster !== undefined) {
    if (!isRecord(cluster) || !AGENT_CLUSTER_PHASES.includes(cluster['phase'] as AgentClusterPhase)) {
      throw invalidField('cluster/phase', `cluster/phase must be one of ${AGENT_CLUSTER_PHASES.join(', ')}`);
    }
  }
  return {
    manifest: (manifest ?? null) as AgentReport['manifest'],
    cluster: cluster
      ? {
          name: typeof cluster['name'] === 'string' ? cluster['name'] : null,
          phase: cluster['phase'] as AgentClusterPhase,
          message: String(cluster['message'] ?? '').slice(0, 4000),
          ...(typeof cluster['kubeconfig'] === 'string' ? { kubeconfig: cluster['kubeconfig'] } : {}),
        }
      : null,
  };
}
