/**
 * Clusters: nodes on hosts, made from a template on an OS profile, run by a driver (agent or capi).
 * Status is a phase plus a human message; `airGapped` is decided by the orchestrator (compatibility.ts).
 */
import type { Reason } from '../reasons.ts';
import type { KubernetesFlavor } from '../compatibility/k8s-version.ts';
import type { TemplateRef } from './template.ts';

export type ClusterPhase = 'waiting-for-nodes' | 'provisioning' | 'ready' | 'degraded' | 'deleting' | 'deleted' | 'failed';
export const CLUSTER_PHASES: readonly ClusterPhase[] = [
  'waiting-for-nodes',
  'provisioning',
  'ready',
  'degraded',
  'deleting',
  'deleted',
  'failed',
];

export type NodeRole = 'all' | 'controlplane' | 'worker';
export type ClusterDriver = 'agent' | 'capi';
export type DeletionPolicy = 'delete' | 'orphan';

export const NODE_ROLES: readonly NodeRole[] = ['all', 'controlplane', 'worker'];

/** What a node's agent last reported about its K3s. */
export type NodePhase = 'installing' | 'ready' | 'failed' | 'removing' | 'removed';

export interface ClusterNode {
  hostId: string;
  /** `all`: the one node of a single-node cluster; `controlplane`: a K3s server; `worker`: a K3s agent. */
  role: NodeRole;
  /** Set by the node's agent reports; absent until its first report. */
  phase?: NodePhase;
}

export interface Cluster {
  id: string;
  project: string;
  name: string;
  template: TemplateRef;
  flavor: KubernetesFlavor;
  /** The Kubernetes version the cluster actually runs (from the template). */
  kubernetesVersion: string;
  osProfile: string;
  nodes: ClusterNode[];
  airGapped: boolean;
  /** Why airGapped differs from what the template hard-coded, when it does. */
  airGappedOverride: Reason | null;
  driver: ClusterDriver;
  phase: ClusterPhase;
  message: string;
  /** Why the cluster is in its phase, when its driver gives a machine-readable reason (the capi driver does). */
  reason?: Reason;
  labels: Record<string, string>;
  autoCreated: boolean;
  /** What deauthorizing a node's host does: `delete` (deleteOnDeauthorize) deletes the cluster with its last host; `orphan` only removes the node. */
  deletionPolicy: DeletionPolicy;
  createdAt: string;
  updatedAt: string;
}
