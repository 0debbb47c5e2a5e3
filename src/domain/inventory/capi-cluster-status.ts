/**
 * What a Cluster API Cluster's status (cluster.x-k8s.io/v1beta1: phase, failureReason, conditions) means for
 * the edge-orch cluster. Not yet provisioning is edge-orch's `waiting-for-nodes` (Cluster API's Pending).
 */
import { isRecord } from '../fields.ts';
import { reasonCodes, type Reason } from '../reasons.ts';
import type { ClusterPhase } from './cluster.ts';

export interface ClusterStatusView {
  phase: ClusterPhase;
  message: string;
  reason?: Reason;
}

interface Condition {
  type?: string;
  status?: string;
  severity?: string;
  reason?: string;
  message?: string;
}

export function capiClusterStatus(object: unknown): ClusterStatusView {
  const metadata = isRecord(object) && isRecord(object['metadata']) ? object['metadata'] : {};
  const status = isRecord(object) && isRecord(object['status']) ? object['status'] : {};
  const conditions = (Array.isArray(status['conditions']) ? status['conditions'] : []).filter(isRecord) as Condition[];
  const condition = (type: string) => conditions.find((c) => c.type === type);
  const ready = condition('Ready');
  const said = (c: Condition | undefined) =>
    c ? `Ready is ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` : 'no Ready condition yet';

  if (metadata['deletionTimestamp'] !== undefined)
    return { phase: 'deleting', message: 'Cluster API is deleting the cluster and its machines (foreground); waiting for its finalizers' };
  const failureReason = status['failureReason'];
  if (typeof failureReason === 'string' || status['phase'] === 'Failed' || (ready?.status === 'False' && ready.severity === 'Error')) {
    const detail = typeof failureReason === 'string' ? `${failureReason}: ${String(status['failureMessage'] ?? '')}`.trim() : said(ready);
    const message = `Cluster API reports the cluster failed: ${detail}`;
    return { phase: 'failed', message, reason: { code: reasonCodes.CapiClusterFailed, message } };
  }
  if (ready?.status === 'True') return { phase: 'ready', message: 'Cluster API reports the cluster ready' };
  const started =
    status['phase'] === 'Provisioning' ||
    status['phase'] === 'Provisioned' ||
    status['infrastructureReady'] === true ||
    ['InfrastructureReady', 'ControlPlaneInitialized'].some((type) => condition(type)?.status === 'True');
  if (started) return { phase: 'provisioning', message: `Cluster API is provisioning the cluster; ${said(ready)}` };
  return {
    phase: 'waiting-for-nodes',
    message: `applied to the management cluster; Cluster API has not started provisioning (phase ${String(status['phase'] ?? 'Pending')})`,
  };
}
