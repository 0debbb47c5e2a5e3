/**
 * A cluster as a Cluster API Cluster using its template's ClusterClass (`spec.topology`): the version it runs,
 * control-plane replicas from its servers (role all or controlplane), one worker MachineDeployment for its agents,
 * and, for K3s, the `airGapped` variable set to the orchestrator's decision from the OS profile.
 */
import type { Cluster } from '../../domain/inventory/cluster.ts';
import type { Doc } from '../../domain/fields.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';
import { clusterClassName } from './cluster-class-name.ts';
import {
  AIR_GAPPED_VARIABLE,
  CAPI_API_VERSION,
  MANAGED_BY_LABEL,
  TEMPLATE_ANNOTATION,
  WORKER_CLASS,
  type KubeObject,
} from './kube-object.ts';

export function renderClusterObject(
  cluster: Pick<Cluster, 'name' | 'template' | 'kubernetesVersion' | 'nodes' | 'airGapped' | 'labels' | 'flavor'>,
  template: Pick<ClusterTemplate, 'clusterNetwork' | 'labels'>,
  namespace: string,
): KubeObject {
  const servers = cluster.nodes.filter((n) => n.role !== 'worker').length;
  const workers = cluster.nodes.length - servers;
  const topology: Doc = {
    class: clusterClassName(cluster.template),
    version: cluster.kubernetesVersion,
    controlPlane: { replicas: servers },
    ...(workers > 0 ? { workers: { machineDeployments: [{ class: WORKER_CLASS, name: 'workers', replicas: workers }] } } : {}),
    ...(cluster.flavor === 'k3s' ? { variables: [{ name: AIR_GAPPED_VARIABLE, value: cluster.airGapped }] } : {}),
  };
  const network = template.clusterNetwork;
  return {
    apiVersion: CAPI_API_VERSION,
    kind: 'Cluster',
    metadata: {
      name: cluster.name,
      namespace,
      labels: { ...template.labels, ...cluster.labels, [MANAGED_BY_LABEL]: 'edge-orch' },
      annotations: { [TEMPLATE_ANNOTATION]: `${cluster.template.name}:${cluster.template.version}` },
    },
    spec: {
      ...(network
        ? {
            clusterNetwork: {
              ...(network.pods.cidrBlocks.length > 0 ? { pods: { cidrBlocks: network.pods.cidrBlocks } } : {}),
              ...(network.services.cidrBlocks.length > 0 ? { services: { cidrBlocks: network.services.cidrBlocks } } : {}),
            },
          }
        : {}),
      topology,
    },
  };
}
