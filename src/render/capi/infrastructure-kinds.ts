/**
 * The infrastructure provider's template kinds a ClusterClass refers to, by the template's infraProviderType
 * (cluster-manager's providers: intel by default, docker for tests). Their CRDs belong to the provider.
 */
export interface InfrastructureKinds {
  apiVersion: string;
  clusterTemplate: string;
  machineTemplate: string;
}

const KINDS: Record<string, InfrastructureKinds> = {
  intel: {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
    clusterTemplate: 'IntelClusterTemplate',
    machineTemplate: 'IntelMachineTemplate',
  },
  docker: {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
    clusterTemplate: 'DockerClusterTemplate',
    machineTemplate: 'DockerMachineTemplate',
  },
};

export const infrastructureKinds = (infraProviderType: string | null): InfrastructureKinds =>
  KINDS[infraProviderType ?? 'intel'] ?? KINDS['intel']!;
