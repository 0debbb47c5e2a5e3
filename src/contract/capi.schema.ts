/** The Cluster API driver on the wire: a project's cluster settings, its management cluster, rendered objects. */
import { Type } from 'typebox';

export const KubeObjectSchema = Type.Object(
  {
    apiVersion: Type.String(),
    kind: Type.String(),
    metadata: Type.Object({
      name: Type.String(),
      namespace: Type.String(),
      labels: Type.Optional(Type.Record(Type.String(), Type.String())),
      annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
    spec: Type.Record(Type.String(), Type.Unknown()),
  },
  { description: 'A Kubernetes object as edge-orch applies it to the management cluster' },
);

export const KubeObjectList = Type.Object({ items: Type.Array(KubeObjectSchema) });

const ClusterDriverSchema = Type.Union([Type.Literal('agent'), Type.Literal('capi')], {
  description: 'agent: edge-orch agents install K3s; capi: Cluster API on the management cluster makes the cluster',
});

export const ClusterSettingsSchema = Type.Object({
  clusterDriver: ClusterDriverSchema,
  managementCluster: Type.Union([
    Type.Object({
      server: Type.String({
        description: "The API server of the kubeconfig's current context (the kubeconfig itself is never given back)",
      }),
      namespace: Type.String(),
      updatedAt: Type.String(),
    }),
    Type.Null(),
  ]),
});

export const ManagementClusterBody = Type.Object(
  {
    kubeconfig: Type.String({
      minLength: 1,
      maxLength: 65536,
      description: 'kubeconfig YAML: https server, inline CA data, an inline client certificate and key or a token (no exec, no files)',
    }),
    namespace: Type.Optional(Type.String({ description: 'Namespace edge-orch applies to (default: default)' })),
  },
  { additionalProperties: false },
);

export const ClusterDriverBody = Type.Object({ clusterDriver: ClusterDriverSchema }, { additionalProperties: false });
