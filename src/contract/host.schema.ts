/** Hosts on the wire. */
import { Type } from 'typebox';
import { HOST_STATES } from '../domain/inventory/host.ts';
import { Labels, literalUnion, PageQuery, ReasonSchema } from './common.schema.ts';

export const HostState = literalUnion(HOST_STATES);

export const HostSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  uuid: Type.Union([Type.String(), Type.Null()]),
  serial: Type.Union([Type.String(), Type.Null()]),
  site: Type.Union([Type.String(), Type.Null()]),
  labels: Labels,
  state: HostState,
  autoOnboard: Type.Union([Type.Boolean(), Type.Null()], {
    description: "Whether its agent onboards it when enrolling, or it waits for approval; null: the project's setting",
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const HostCreate = Type.Object(
  {
    name: Type.Optional(Type.String()),
    uuid: Type.Optional(Type.String()),
    serial: Type.Optional(Type.String()),
    site: Type.Optional(Type.String()),
    labels: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    autoOnboard: Type.Optional(
      Type.Boolean({ description: "false: when its agent enrolls, it waits for approval; left out, the project's setting applies" }),
    ),
  },
  { additionalProperties: false },
);

export const HostUpdate = Type.Object(
  {
    name: Type.Optional(Type.String()),
    site: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    labels: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const HostListQuery = Type.Object(
  {
    state: Type.Optional(HostState),
    site: Type.Optional(Type.String()),
    label: Type.Optional(Type.String({ description: 'k=v[,k=v...]: every label must match' })),
    namePrefix: Type.Optional(Type.String()),
    eligibleFor: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'template name:version: only hosts that can be nodes of a cluster of it as they run (a page may hold fewer than limit)',
      }),
    ),
    eligibleForCluster: Type.Optional(
      Type.String({
        maxLength: 63,
        description:
          "cluster name: only hosts that can join it as they run (its template, and its K3s version: embedded in the host's image or downloaded); not with eligibleFor",
      }),
    ),
    explain: Type.Optional(
      Type.Boolean({ description: 'With eligibleFor or eligibleForCluster: list the other hosts of the page too, each with its reason' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const HostList = Type.Object({
  items: Type.Array(HostSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  ineligible: Type.Optional(
    Type.Array(Type.Object({ host: HostSchema, reason: ReasonSchema }), {
      description: 'With eligibleFor and explain: the hosts of the page that cannot be nodes, and why',
    }),
  ),
});
export const HostParams = Type.Object({
  project: Type.String(),
  host: Type.String({
    description: 'Host id, name, serial or uuid; an id always names one host, another text that matches several is 409 AmbiguousReference',
  }),
});

const LastReportSchema = Type.Object({
  reportedAt: Type.String({ description: 'When the agent last reported (ISO 8601)' }),
  image: Type.Union([Type.Object({ name: Type.String(), version: Type.String() }), Type.Null()], {
    description: 'The OS image the host runs, from its image manifest; null when it has none',
  }),
  kubernetes: Type.Union([Type.Object({ flavor: Type.String(), version: Type.String() }), Type.Null()], {
    description: 'The K3s the image embeds; null when none',
  }),
  cluster: Type.Union(
    [Type.Object({ name: Type.Union([Type.String(), Type.Null()]), phase: Type.String(), message: Type.String() }), Type.Null()],
    {
      description: "The agent's view of its cluster: the phase it reported and its message",
    },
  ),
});

export const HostReportAnswer = Type.Object({
  report: Type.Union([LastReportSchema, Type.Null()], { description: 'Null until the agent first reports' }),
});
