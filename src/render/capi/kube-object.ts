/** A Kubernetes object as edge-orch renders it for a Cluster API management cluster. */
import type { Doc } from '../../domain/fields.ts';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Doc;
}

/**
 * Cluster and ClusterClass are rendered as cluster.x-k8s.io/v1beta1, as EMF's cluster-manager does (its
 * `spec.topology.class` form); the K3s provider's kinds exist as v1beta2 only.
 */
export const CAPI_API_VERSION = 'cluster.x-k8s.io/v1beta1';
export const K3S_CONTROL_PLANE_API_VERSION = 'controlplane.cluster.x-k8s.io/v1beta2';
export const K3S_BOOTSTRAP_API_VERSION = 'bootstrap.cluster.x-k8s.io/v1beta2';
export const RKE2_CONTROL_PLANE_API_VERSION = 'controlplane.cluster.x-k8s.io/v1beta1';
export const RKE2_BOOTSTRAP_API_VERSION = 'bootstrap.cluster.x-k8s.io/v1beta1';

/** The ClusterClass variable that carries the orchestrator's air-gap decision (the proposal's patch). */
export const AIR_GAPPED_VARIABLE = 'airGapped';
/** The worker class every rendered ClusterClass offers. */
export const WORKER_CLASS = 'default-worker';
/** Labels edge-orch puts on what it applies, so a management cluster's objects can be traced back. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const TEMPLATE_ANNOTATION = 'edge-orch.io/template';
