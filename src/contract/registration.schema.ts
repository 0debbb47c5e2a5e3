/**
 * Registration jobs on the wire: the request (defaults + hosts), the job document with per-host, per-step
 * status (the one source for API, CLI and UI), the host pages of big jobs, and the dry-run answer.
 */
import { Type } from 'typebox';
import { HOST_STATUSES, JOB_STATUSES, STEP_NAMES, STEP_STATUSES } from '../domain/registration/registration-steps.ts';
import { literalUnion, PageQuery } from './common.schema.ts';

const StepName = literalUnion(STEP_NAMES);
const HostStatus = literalUnion(HOST_STATUSES);
const StepStatus = literalUnion(STEP_STATUSES);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const StepReasonSchema = Type.Object({
  code: Type.String({
    description: 'PascalCase reason: AlreadyRegistered, K3sVersionMismatch, PreviousStepFailed, NotFound, HostConflict, Compensated, …',
  }),
  message: Type.String(),
  field: Type.Optional(Type.String({ description: 'The request field at fault, for example hosts/3/template' })),
  details: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export const RegistrationDefaults = Type.Object(
  {
    osProfile: Type.Optional(Type.String({ description: "OS profile of every host's instance (autoProvision)" })),
    template: Type.Optional(Type.String({ description: "Cluster template name:version for every host's cluster (autoCluster)" })),
    autoProvision: Type.Optional(Type.Boolean({ default: false, description: 'Create an instance on the OS profile for each host' })),
    autoCluster: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Create a single-node cluster for each host; needs autoProvision and the clusters:write permission',
      }),
    ),
    atomic: Type.Optional(Type.Boolean({ default: false, description: "On a host's failure, undo its completed steps in reverse order" })),
  },
  { additionalProperties: false },
);

export const RegistrationHostInput = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'DNS label; derived from the serial or uuid when absent' })),
    uuid: Type.Optional(Type.String()),
    serial: Type.Optional(Type.String()),
    site: Type.Optional(Type.String()),
    labels: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    autoOnboard: Type.Optional(
      Type.Boolean({ description: "false: when its agent enrolls, it waits for approval; left out, the project's setting applies" }),
    ),
    osProfile: Type.Optional(Type.String({ description: 'Overrides defaults.osProfile' })),
    template: Type.Optional(Type.String({ description: 'Overrides defaults.template (name:version)' })),
    cluster: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ description: 'Default: <host name>-cluster' })),
          labels: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          role: Type.Optional(
            Type.String({
              description:
                "all (default): the host's own single-node cluster; controlplane or worker: the host joins the existing cluster `name`",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const RegistrationCreate = Type.Object(
  {
    defaults: Type.Optional(RegistrationDefaults),
    hosts: Type.Array(RegistrationHostInput, { minItems: 1, maxItems: 50_000 }),
    dryRun: Type.Optional(
      Type.Boolean({ description: 'Check every host and answer what would fail and why; writes nothing, not even a job' }),
    ),
  },
  { additionalProperties: false },
);

export const RegistrationCreateQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30,
        description:
          'Seconds to wait for the job to finish before answering (201 when it did, 202 when not). Default: 5 for jobs of at most 10 hosts, 0 otherwise',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RegistrationStep = Type.Object({
  step: StepName,
  status: StepStatus,
  reason: Nullable(StepReasonSchema),
  resourceId: Nullable(Type.String({ description: 'What the step created or found: host id, instance id, cluster name' })),
  created: Type.Boolean({ description: 'True when this job created the resource; false when it existed already' }),
  attempts: Type.Integer({ description: 'Times the step was started (a start is stored before it runs)' }),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});

export const RegistrationHost = Type.Object({
  index: Type.Integer({ description: 'Position in the request' }),
  name: Type.String(),
  uuid: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  status: HostStatus,
  hostId: Nullable(Type.String()),
  failedStep: Nullable(StepName),
  osProfile: Nullable(Type.String()),
  template: Nullable(Type.String()),
  cluster: Nullable(Type.String()),
  steps: Type.Array(RegistrationStep),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  updatedAt: Type.String(),
});

const StepCounts = Type.Object({
  pending: Type.Integer(),
  running: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  compensated: Type.Integer(),
});

export const RegistrationJobSummary = Type.Object({
  id: Type.String(),
  status: literalUnion(JOB_STATUSES),
  options: Type.Object({ autoProvision: Type.Boolean(), autoCluster: Type.Boolean(), atomic: Type.Boolean() }),
  defaults: Type.Object({ osProfile: Nullable(Type.String()), template: Nullable(Type.String()) }),
  totals: Type.Object({
    hosts: Type.Integer(),
    pending: Type.Integer(),
    running: Type.Integer(),
    succeeded: Type.Integer(),
    failed: Type.Integer(),
  }),
  stepTotals: Type.Object({
    'register-host': Type.Optional(StepCounts),
    'create-instance': Type.Optional(StepCounts),
    'create-cluster': Type.Optional(StepCounts),
  }),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});

export const RegistrationJob = Type.Object({
  ...RegistrationJobSummary.properties,
  hosts: Type.Array(RegistrationHost, {
    description: 'The first page of hosts in request order; page on with GET …/hosts?cursor=hostsNextCursor',
  }),
  hostsNextCursor: Nullable(Type.String()),
});

export const RegistrationJobList = Type.Object({ items: Type.Array(RegistrationJobSummary), nextCursor: Nullable(Type.String()) });
export const RegistrationHostList = Type.Object({ items: Type.Array(RegistrationHost), nextCursor: Nullable(Type.String()) });

export const RegistrationParams = Type.Object({ project: Type.String(), id: Type.String() });
export const RegistrationListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const RegistrationHostQuery = Type.Object({ status: Type.Optional(HostStatus), ...PageQuery }, { additionalProperties: false });

const CheckedStep = Type.Object({
  step: StepName,
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')], {
    description: 'succeeded means: would succeed',
  }),
  reason: Nullable(StepReasonSchema),
  resourceId: Nullable(Type.String({ description: 'Set when the resource exists already' })),
});

export const RegistrationCheck = Type.Object({
  dryRun: Type.Literal(true),
  valid: Type.Boolean({ description: 'True when every host would succeed' }),
  totals: Type.Object({ hosts: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer() }),
  hosts: Type.Array(
    Type.Object({
      index: Type.Integer(),
      name: Nullable(Type.String()),
      uuid: Nullable(Type.String()),
      serial: Nullable(Type.String()),
      status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
      failedStep: Nullable(StepName),
      reason: Nullable(StepReasonSchema),
      steps: Type.Array(CheckedStep),
    }),
  ),
});
