/** Instances and clusters on the wire (read endpoints; their workflows come with registration). */
import { Type } from 'typebox';
import { CLUSTER_PHASES } from '../domain/inventory/cluster.ts';
import { Labels, literalUnion, PageQuery, ReasonSchema } from './common.schema.ts';

export const InstanceSchema = Type.Object({
  id: Type.String(),
  hostId: Type.String(),
  osProfile: Type.String(),
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
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PageOnlyQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const InstanceList = Type.Object({ items: Type.Array(InstanceSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const ClusterList = Type.Object({ items: Type.Array(ClusterSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const InstanceParams = Type.Object({ project: Type.String(), id: Type.String() });
export const ClusterParams = Type.Object({ project: Type.String(), name: Type.String() });
export const ClusterDeleteQuery = Type.Object(
  { force: Type.Optional(Type.Boolean({ description: 'Remove the cluster now, without waiting for the agents' })) },
  { additionalProperties: false },
);
