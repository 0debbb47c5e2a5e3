/** Instances and clusters on the wire: reads, provisioning a host, creating clusters and changing their nodes. */
import { Type } from 'typebox';
import { CLUSTER_PHASES, NODE_ROLES } from '../domain/inventory/cluster.ts';
import { Labels, literalUnion, PageQuery, ReasonSchema } from './common.schema.ts';
import { HostSchema } from './host.schema.ts';
import { RegistrationStep } from './registration.schema.ts';

const NodeRole = literalUnion(NODE_ROLES, {
  description: 'all: the server of a single-node cluster (runs workloads too); controlplane: a K3s server; worker: a K3s agent',
});

export const InstanceSchema = Type.Object({
  id: Type.String(),
  hostId: Type.String(),
  osProfile: Type.String(),
  osProfileVersion: Type.String({ description: 'The exact OS profile version the host should run' }),
  observedOsProfile: Type.Union([Type.String(), Type.Null()]),
  observedOsVersion: Type.Union([Type.String(), Type.Null()], { description: 'The image version the agent reported' }),
  state: Type.Union([Type.Literal('provisioning'), Type.Literal('running'), Type.Literal('error')]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const UpgradeSchema = Type.Object(
  {
    osProfile: Type.Object(
      { name: Type.String(), version: Type.String() },
      { description: 'The OS profile version image-based nodes move to' },
    ),
    fromVersion: Type.String({ description: 'The K3s the cluster ran when the upgrade started' }),
    kubernetesVersion: Type.String({ description: 'The K3s every node runs when the upgrade is done' }),
    state: Type.Union([Type.Literal('rolling'), Type.Literal('done'), Type.Literal('failed')], {
      description: 'rolling: nodes move one at a time; failed: stopped at a node (asking the same osProfile again resumes it)',
    }),
    steps: Type.Array(
      Type.Object({
        hostId: Type.String(),
        method: Type.Union([Type.Literal('update-os'), Type.Literal('reinstall')], {
          description:
            'update-os: the host moves to the target image, which embeds the new K3s; reinstall: its image embeds no K3s, so the new version is downloaded',
        }),
        state: Type.Union([Type.Literal('pending'), Type.Literal('moving'), Type.Literal('done'), Type.Literal('failed')]),
      }),
      { description: 'In rollout order: servers first, then agents; nodes already on the target have no step' },
    ),
    failure: Type.Union([Type.Object({ hostId: Type.String(), reason: ReasonSchema }), Type.Null()], {
      description: 'The node that stopped the rollout, and why',
    }),
    startedAt: Type.String(),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { description: "The cluster's last rolling upgrade" },
);

export const ClusterSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  template: Type.Object({ name: Type.String(), version: Type.String() }),
  flavor: Type.Union([Type.Literal('k3s'), Type.Literal('rke2')]),
  kubernetesVersion: Type.String({ description: 'The K3s version every node runs (moved by an upgrade when its last node is done)' }),
  osProfile: Type.String({
    description: "The OS profile the cluster was created on (its first node's); other nodes may run other profiles",
  }),
  nodes: Type.Array(
    Type.Object({
      hostId: Type.String(),
      role: NodeRole,
      phase: Type.Optional(
        Type.Union(
          [Type.Literal('installing'), Type.Literal('ready'), Type.Literal('failed'), Type.Literal('removing'), Type.Literal('removed')],
          {
            description: "What the node's agent last reported",
          },
        ),
      ),
    }),
  ),
  airGapped: Type.Boolean({
    description:
      "True when every node installs the K3s its image embeds; false when any node downloads it (each node's plan says its own mode)",
  }),
  airGappedOverride: Type.Union([ReasonSchema, Type.Null()]),
  driver: Type.Union([Type.Literal('agent'), Type.Literal('capi')]),
  phase: literalUnion(CLUSTER_PHASES),
  message: Type.String(),
  reason: Type.Optional(ReasonSchema),
  labels: Labels,
  autoCreated: Type.Boolean(),
  deletionPolicy: Type.String({
    description: 'delete (deleteOnDeauthorize): deauthorizing the last host deletes the cluster; orphan: the node only leaves',
  }),
  stale: Type.Boolean({
    description:
      "Waiting for nodes or provisioning with no word from its agents for longer than the server's stale-cluster time (computed when asked); deleting a stale cluster needs no agent",
  }),
  staleReason: Type.Optional(ReasonSchema),
  upgrade: Type.Optional(UpgradeSchema),
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
        'The OS profile the host should run: name:version, or a name for its latest version. On a cluster node only another version of the same profile, and only if its embedded K3s neither downgrades, skips a minor nor differs from the other nodes (409 UpgradeRefused; a multi-node cluster moves with POST …/clusters/{name}/upgrade)',
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
      Type.Boolean({
        description:
          'Remove the cluster now, without waiting for the agents (a stale cluster always is); each host removes K3s when it returns',
      }),
    ),
    deauthorize: Type.Optional(
      Type.Boolean({ description: 'Deauthorize its hosts instead of returning them to provisioned (needs hosts:write as well)' }),
    ),
  },
  { additionalProperties: false },
);

const NodeRequest = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253, description: 'Host id or name' }),
    role: Type.Optional({ ...NodeRole, description: 'Default: all for a single-node cluster, worker when joining' }),
  },
  { additionalProperties: false },
);

/** How hosts become nodes, shared by creating a cluster and adding nodes to it. */
const Placement = {
  osProfile: Type.Optional(
    Type.String({
      maxLength: 300,
      description: 'Option 3: provision the hosts without an instance with this OS profile (name or name:version) first',
    }),
  ),
  osUpdate: Type.Optional(
    Type.Boolean({
      description: "Option 2: move a provisioned EMT host whose image's K3s does not match to a compatible version of its OS profile first",
    }),
  ),
};

export const ClusterCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 63 }),
    template: Type.String({ maxLength: 200, description: 'name:version' }),
    nodes: Type.Array(NodeRequest, { minItems: 1, maxItems: 100 }),
    ...Placement,
    deleteOnDeauthorize: Type.Optional(
      Type.Boolean({ description: 'Deauthorizing its last host deletes the cluster (default false for a cluster created here)' }),
    ),
    labels: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const NodesAdd = Type.Object(
  { nodes: Type.Array(NodeRequest, { minItems: 1, maxItems: 100 }), ...Placement },
  { additionalProperties: false },
);

/** What became of each host, in the registration job's step model. */
export const HostSteps = Type.Object({
  hostId: Type.String(),
  name: Type.String(),
  steps: Type.Array(RegistrationStep),
});

export const ClusterChange = Type.Object({ cluster: ClusterSchema, hosts: Type.Array(HostSteps) });

export const ClusterUpgradeRequest = Type.Object(
  {
    osProfile: Type.String({
      minLength: 1,
      maxLength: 300,
      description:
        'The OS profile version (name:version, or a name for its latest) whose embedded K3s the cluster moves to: its nodes of that profile move to this version, nodes whose image embeds no K3s download the new version',
    }),
  },
  { additionalProperties: false },
);

export const ProvisionRequest = Type.Object(
  { osProfile: Type.String({ minLength: 1, maxLength: 300, description: 'OS profile name or name:version' }) },
  { additionalProperties: false },
);

export const ProvisionResult = Type.Object({ host: HostSchema, instance: InstanceSchema, steps: Type.Array(RegistrationStep) });

export const ClusterNodeParams = Type.Object({ project: Type.String(), name: Type.String(), host: Type.String() });
