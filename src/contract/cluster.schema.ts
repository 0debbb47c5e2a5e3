/** Instances and clusters on the wire (read endpoints; their workflows come with registration). */
import { Type } from 'typebox';
import { CLUSTER_PHASES } from '../domain/inventory/cluster.ts';
import { Labels, literalUnion, PageQuery, ReasonSchema } from './common.schema.ts';

export const InstanceSchema = Type.Object({
  id: Type.String(),
  hostId: Type.String(),
  osProfile: Type.String(),
  osProfileVersion: Type.String({ description: 'The exact OS profile version the host should run' }),
  observedOsProfile: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union([Type.Literal('provisioning'), Type.Literal('running'), Type.Literal('error')]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ClusterSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  template: Type.Object({ name: Type.String(), version: Type.String() }),
  flavor: Type.Union([Type.Literal('k3s'), Type.Literal('rke2')]),
  kubernetesVersion: Type.String(),
  osProfile: Type.String(),
  nodes: Type.Array(
    Type.Object({ hostId: Type.String(), role: Type.Union([Type.Literal('all'), Type.Literal('controlplane'), Type.Literal('worker')]) }),
  ),
  airGapped: Type.Boolean(),
  airGappedOverride: Type.Union([ReasonSchema, Type.Null()]),
  driver: Type.Union([Type.Literal('agent'), Type.Literal('capi')]),
  phase: literalUnion(CLUSTER_PHASES),
  message: Type.String(),
  reason: Type.Optional(ReasonSchema),
  labels: Labels,
  autoCreated: Type.Boolean(),
  deletionPolicy: Type.String(),
  stale: Type.Boolean({
    description:
      "Waiting for nodes or provisioning with no word from its agents for longer than the server's stale-cluster time (computed when asked); deleting a stale cluster needs no agent",
  }),
  staleReason: Type.Optional(ReasonSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PageOnlyQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const InstanceList = Type.Object({ items: Type.Array(InstanceSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const ClusterList = Type.Object({ items: Type.Array(ClusterSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const InstanceParams = Type.Object({ project: Type.String(), id: Type.String() });
export const InstanceUpdate = Type.Object(
  {
    osProfile: Type.String({
      description:
        'The OS profile the host should run: name:version, or a name for its latest version. On a cluster node only another version of the same profile, and only if its embedded K3s neither downgrades, skips a minor nor differs from the other nodes (409 UpgradeRefused)',
    }),
  },
  { additionalProperties: false },
);
export const ClusterParams = Type.Object({ project: Type.String(), name: Type.String() });
export const ClusterListQuery = Type.Object(
  {
    ...PageQuery,
    stale: Type.Optional(Type.Boolean({ description: 'Only stale clusters (true), or only those that are not (false)' })),
  },
  { additionalProperties: false },
);
export const ClusterDeleteQuery = Type.Object(
  {
    force: Type.Optional(
      Type.Boolean({ description: 'Remove the cluster now, without waiting for the agents (a stale cluster always is)' }),
    ),
  },
  { additionalProperties: false },
);
