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

/**
 * How one node reaches the upgrade's K3s: `update-os` moves its instance to the target OS profile version (its
 * image embeds the new K3s, installed air-gapped after the reboot); `reinstall` runs the install again with the
 * new version, downloaded, on a node whose image embeds no K3s.
 */
export type UpgradeStepMethod = 'update-os' | 'reinstall';
export type UpgradeStepState = 'pending' | 'moving' | 'done' | 'failed';
export interface UpgradeStep {
  hostId: string;
  method: UpgradeStepMethod;
  state: UpgradeStepState;
}

/** `rolling`: nodes move one at a time; `failed`: stopped at a node (asking the same target again resumes it). */
export type UpgradeState = 'rolling' | 'done' | 'failed';

/** A rolling upgrade of the whole cluster to the K3s an OS profile version embeds (cluster-upgrade.ts). */
export interface ClusterUpgrade {
  osProfile: { name: string; version: string };
  /** The K3s the cluster ran when the upgrade started, and the one it runs when every node moved. */
  fromVersion: string;
  kubernetesVersion: string;
  state: UpgradeState;
  /** In rollout order: servers first, then agents. Nodes that already run the target have no step. */
  steps: UpgradeStep[];
  /** The node that stopped the rollout, and why. */
  failure: { hostId: string; reason: Reason } | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface Cluster {
  id: string;
  project: string;
  name: string;
  template: TemplateRef;
  flavor: KubernetesFlavor;
  /** The Kubernetes version the cluster actually runs (from the template, then moved by upgrades). */
  kubernetesVersion: string;
  /** The OS profile the cluster was created on (its first node's); other nodes may run other profiles. */
  osProfile: string;
  nodes: ClusterNode[];
  /** True when every node installs the K3s its image embeds; false when any node downloads it. */
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
  /** The last rolling upgrade, when one was asked for. */
  upgrade?: ClusterUpgrade;
  createdAt: string;
  updatedAt: string;
}
