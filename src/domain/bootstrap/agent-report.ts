/**
 * What an agent tells the orchestrator, and what follows from it (pure): the observed OS moves the instance to
 * running; cluster phases move the cluster and the host along (DESIGN.md host states).
 */
import type { Cluster, ClusterPhase } from '../inventory/cluster.ts';
import { invalidField } from '../errors.ts';
import { describe, isRecord } from '../fields.ts';
import type { Host, HostState } from '../inventory/host.ts';
import type { ImageManifest } from '../inventory/image-manifest.ts';
import { computeInstanceState, type Instance } from '../inventory/instance.ts';

export type AgentClusterPhase = 'installing' | 'ready' | 'failed' | 'removing' | 'removed';
export const AGENT_CLUSTER_PHASES: readonly AgentClusterPhase[] = ['installing', 'ready', 'failed', 'removing', 'removed'];

export interface AgentReport {
  /** The image manifest the host runs (/etc/edge-orch/image-manifest.json), null when it has none. */
  manifest: Pick<ImageManifest, 'image' | 'kubernetes'> | null;
  cluster: { name: string | null; phase: AgentClusterPhase; message: string; kubeconfig?: string } | null;
}

export interface ReportEffects {
  observedOsProfile?: string | null;
  hostState?: HostState;
  cluster?: { phase: ClusterPhase; message: string; kubeconfig?: string } | { delete: true };
}

/** The OS profile a host runs, as its manifest names it. */
export function computeObservedProfile(manifest: AgentReport['manifest']): string | null {
  return manifest?.image?.name ?? null;
}

export function computeReportEffects({
  host,
  instance,
  cluster,
  report,
}: {
  host: Host;
  instance: Instance | null;
  cluster: Cluster | null;
  report: AgentReport;
}): ReportEffects {
  const effects: ReportEffects = {};
  const observed = computeObservedProfile(report.manifest);
  if (instance && instance.observedOsProfile !== observed) effects.observedOsProfile = observed;
  const running = instance !== null && computeInstanceState(instance.osProfile, observed) === 'running';
  const reported = report.cluster;
  if (cluster && reported && (reported.name === cluster.name || reported.name === null)) {
    if (reported.phase === 'removed' && (cluster.phase === 'deleting' || host.state === 'deauthorized')) effects.cluster = { delete: true };
    else if (cluster.phase !== 'deleting') {
      const phase: ClusterPhase = (
        { installing: 'provisioning', ready: 'ready', failed: 'failed', removing: 'deleting', removed: 'waiting-for-nodes' } as const
      )[reported.phase];
      effects.cluster = {
        phase,
        message: reported.message,
        ...(reported.kubeconfig && phase === 'ready' ? { kubeconfig: reported.kubeconfig } : {}),
      };
    }
  }
  if (host.state !== 'deauthorized') {
    const change = effects.cluster;
    const phaseAfter = change === undefined ? (cluster?.phase ?? null) : 'phase' in change ? change.phase : null;
    const next: HostState = phaseAfter === 'ready' ? 'in-cluster' : running ? 'provisioned' : 'onboarded';
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
