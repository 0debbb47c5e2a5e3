/**
 * What the web UI needs beyond the resource routes: who the token is, the EMF CSV read by the server into
 * registration requests (with its per-line problems), and a registration job's progress as a long-poll.
 */
import { Type } from 'typebox';
import { ROLES } from '../domain/roles.ts';
import { literalUnion } from './common.schema.ts';
import { ClusterSchema } from './cluster.schema.ts';
import { RegistrationCreate, RegistrationJob } from './registration.schema.ts';

/** The caller's token: its project and role decide what the UI shows and enables. */
export const Session = Type.Object({
  project: Type.String(),
  role: literalUnion(ROLES),
  name: Type.String({ description: "The token's name" }),
});

export const HostCsvPlanRequest = Type.Object(
  {
    csv: Type.String({ maxLength: 32 * 1024 * 1024, description: 'The EMF bulk-import CSV, header first' }),
    osProfile: Type.Optional(Type.String({ description: 'For provisioned rows whose OSProfile is empty' })),
    template: Type.Optional(Type.String({ description: 'name:version, for rows with a cluster whose K8sClusterTemplate is empty' })),
    autoProvision: Type.Optional(Type.Boolean({ default: false })),
    autoCluster: Type.Optional(Type.Boolean({ default: false, description: 'Rows whose K8sEnable is empty get a single-node cluster' })),
    atomic: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const HostCsvProblem = Type.Object({
  line: Type.Integer({ description: 'Line of the file, 1 being the header' }),
  column: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
});

export const HostCsvPlan = Type.Object({
  rows: Type.Array(
    Type.Object({
      line: Type.Integer(),
      cells: Type.Record(Type.String(), Type.String({ description: 'The cells as written, by column' })),
    }),
  ),
  problems: Type.Array(HostCsvProblem, { description: 'Every problem of the file; when there are any, jobs is empty' }),
  jobs: Type.Array(
    Type.Object({
      lines: Type.Array(Type.Integer(), { description: "The file's line of each host of the request, in order" }),
      request: RegistrationCreate,
    }),
    { description: 'The registration requests to POST, one per (autoProvision, autoCluster) pair' },
  ),
  columns: Type.Array(Type.String(), { description: "The EMF header, the failed rows' CSV is written with" }),
});

/** The query of a long-poll: the revision last seen, and how long to hold. */
export const LongPollQuery = Type.Object(
  {
    since: Type.Optional(Type.String({ maxLength: 200, description: 'The revision last seen; answered at once when absent' })),
    wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 25, description: 'Seconds to hold the request at most' })),
  },
  { additionalProperties: false },
);

export const RegistrationProgress = Type.Object({
  revision: Type.String({ description: 'Changes whenever the job moves; pass it as since to wait for the next change' }),
  job: RegistrationJob,
});

export const ClusterProgress = Type.Object({
  revision: Type.String({ description: 'Changes whenever the cluster or its nodes move; pass it as since to wait for the next change' }),
  cluster: ClusterSchema,
});
