/**
 * A template version as Cluster API objects, in the order they are applied: the infrastructure provider's
 * templates, the control-plane and worker bootstrap templates, then the ClusterClass that names them. A K3s
 * ClusterClass declares the `airGapped` variable (boolean, default false) and patches it into
 * `agentConfig.airGapped` of the control plane's and the workers' K3s config; RKE2 templates have no such variable.
 */
import type { Doc } from '../../domain/fields.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';
import { clusterClassName } from './cluster-class-name.ts';
import { infrastructureKinds } from './infrastructure-kinds.ts';
import { renderKthreesConfigSpec, withoutNulls, workerConfigSpec } from './kthrees-config-spec.ts';
import {
  AIR_GAPPED_VARIABLE,
  CAPI_API_VERSION,
  K3S_BOOTSTRAP_API_VERSION,
  K3S_CONTROL_PLANE_API_VERSION,
  MANAGED_BY_LABEL,
  RKE2_BOOTSTRAP_API_VERSION,
  RKE2_CONTROL_PLANE_API_VERSION,
  TEMPLATE_ANNOTATION,
  WORKER_CLASS,
  type KubeObject,
} from './kube-object.ts';

export function renderTemplateObjects(template: ClusterTemplate, namespace: string): KubeObject[] {
  const name = clusterClassName(template);
  const infra = infrastructureKinds(template.infraProviderType);
  const labels = { ...controlPlaneLabels(template), [MANAGED_BY_LABEL]: 'edge-orch' };
  const meta = (objectName: string, own: Record<string, string> = { [MANAGED_BY_LABEL]: 'edge-orch' }) => ({
    name: objectName,
    namespace,
    labels: own,
    annotations: { [TEMPLATE_ANNOTATION]: `${template.name}:${template.version}` },
  });
  const ref = (apiVersion: string, kind: string, refName: string) => ({ apiVersion, kind, name: refName });
  const k3s = template.flavor === 'k3s';
  const controlPlane = k3s
    ? { apiVersion: K3S_CONTROL_PLANE_API_VERSION, kind: 'KThreesControlPlaneTemplate' }
    : { apiVersion: RKE2_CONTROL_PLANE_API_VERSION, kind: 'RKE2ControlPlaneTemplate' };
  const bootstrap = k3s
    ? { apiVersion: K3S_BOOTSTRAP_API_VERSION, kind: 'KThreesConfigTemplate' }
    : { apiVersion: RKE2_BOOTSTRAP_API_VERSION, kind: 'RKE2ConfigTemplate' };
  const kthreesConfigSpec = k3s ? renderKthreesConfigSpec(template) : {};

  const objects: KubeObject[] = [
    {
      apiVersion: infra.apiVersion,
      kind: infra.clusterTemplate,
      metadata: meta(name),
      // CAPI's ObjectMeta of a template needs at least one property.
      spec: { template: { metadata: { labels: { 'cluster.x-k8s.io/cluster-template': name } }, spec: {} } },
    },
    { apiVersion: infra.apiVersion, kind: infra.machineTemplate, metadata: meta(`${name}-controlplane`), spec: { template: { spec: {} } } },
    { apiVersion: infra.apiVersion, kind: infra.machineTemplate, metadata: meta(`${name}-worker`), spec: { template: { spec: {} } } },
    {
      ...controlPlane,
      metadata: meta(name, labels),
      spec: k3s ? { template: { spec: { kthreesConfigSpec } } } : rke2ControlPlaneSpec(template),
    },
    {
      ...bootstrap,
      metadata: meta(`${name}-worker`),
      spec: { template: { spec: k3s ? workerConfigSpec(kthreesConfigSpec) : {} } },
    },
    {
      apiVersion: CAPI_API_VERSION,
      kind: 'ClusterClass',
      metadata: meta(name),
      spec: {
        controlPlane: {
          ref: ref(controlPlane.apiVersion, controlPlane.kind, name),
          machineInfrastructure: { ref: ref(infra.apiVersion, infra.machineTemplate, `${name}-controlplane`) },
        },
        infrastructure: { ref: ref(infra.apiVersion, infra.clusterTemplate, name) },
        workers: {
          machineDeployments: [
            {
              class: WORKER_CLASS,
              template: {
                bootstrap: { ref: ref(bootstrap.apiVersion, bootstrap.kind, `${name}-worker`) },
                infrastructure: { ref: ref(infra.apiVersion, infra.machineTemplate, `${name}-worker`) },
              },
            },
          ],
        },
        ...(k3s ? airGappedVariableAndPatch() : {}),
      },
    },
  ];
  return objects;
}

function airGappedVariableAndPatch(): Doc {
  return {
    variables: [{ name: AIR_GAPPED_VARIABLE, required: false, schema: { openAPIV3Schema: { type: 'boolean', default: false } } }],
    patches: [
      {
        name: AIR_GAPPED_VARIABLE,
        description: 'Installs K3s from the artifacts embedded in the OS image (INSTALL_K3S_SKIP_DOWNLOAD) when airGapped is true',
        definitions: [
          {
            selector: {
              apiVersion: K3S_CONTROL_PLANE_API_VERSION,
              kind: 'KThreesControlPlaneTemplate',
              matchResources: { controlPlane: true },
            },
            jsonPatches: [
              {
                op: 'add',
                path: '/spec/template/spec/kthreesConfigSpec/agentConfig/airGapped',
                valueFrom: { variable: AIR_GAPPED_VARIABLE },
              },
            ],
          },
          {
            selector: {
              apiVersion: K3S_BOOTSTRAP_API_VERSION,
              kind: 'KThreesConfigTemplate',
              matchResources: { machineDeploymentClass: { names: [WORKER_CLASS] } },
            },
            jsonPatches: [{ op: 'add', path: '/spec/template/spec/agentConfig/airGapped', valueFrom: { variable: AIR_GAPPED_VARIABLE } }],
          },
        ],
      },
    ],
  };
}

function controlPlaneLabels(template: ClusterTemplate): Record<string, string> {
  const metadata = template.controlPlane?.['metadata'] as { labels?: unknown } | undefined;
  const labels = metadata?.labels;
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** RKE2's control plane as the template gives it: edge-orch reads nothing of it. */
function rke2ControlPlaneSpec(template: ClusterTemplate): Doc {
  const spec = template.controlPlane?.['spec'];
  return typeof spec === 'object' && spec !== null ? (withoutNulls(spec) as Doc) : { template: { spec: {} } };
}
