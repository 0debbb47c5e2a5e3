/** The southbound API: enrollment, desired state (long-poll), reports. Used only by edge-orch agents. */
import { Type, type Static } from 'typebox';
import type { BootstrapPlan } from '../domain/bootstrap/bootstrap-plan.ts';
import { ReasonSchema } from './common.schema.ts';
import { MachineFactsSchema } from './onboarding.schema.ts';

export const ExpiresAt = Type.String({
  maxLength: 40,
  description: 'ISO 8601 date-time with a time zone, in the future; left out, the token does not expire',
});

export const EnrollmentTokenCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expiresAt: Type.Optional(ExpiresAt),
    maxUses: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'How many hosts may enroll with it; left out, any number' }),
    ),
  },
  { additionalProperties: false },
);
export const EnrollmentTokenSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  maxUses: Type.Union([Type.Integer(), Type.Null()]),
  uses: Type.Integer({ description: 'Hosts that got a credential with it' }),
});
export const EnrollmentTokenCreated = Type.Object({
  ...EnrollmentTokenSchema.properties,
  token: Type.String({ description: 'The enrollment secret; shown only now' }),
});
export const EnrollmentTokenList = Type.Object({ items: Type.Array(EnrollmentTokenSchema) });
export const EnrollmentTokenParams = Type.Object({ project: Type.String(), id: Type.String() });

export const EnrollRequest = Type.Object(
  {
    enrollmentToken: Type.String({ minLength: 1, maxLength: 200 }),
    uuid: Type.Optional(Type.String({ maxLength: 64 })),
    serial: Type.Optional(Type.String({ maxLength: 64 })),
    facts: Type.Optional(MachineFactsSchema),
    waitSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        default: 0,
        description: 'While no host with this identity is registered, wait up to this long for its registration before answering 404',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What comes with every host credential. */
const CredentialTerms = {
  credentialExpiresAt: Type.String({
    format: 'date-time',
    description: 'When the credential stops working; the agent renews it (POST /renew) at about 75% of its life',
  }),
  caCertificate: Type.Union([Type.String(), Type.Null()], {
    description: "The CA (PEM) the server's certificate chains to; the agent pins it. Null when the server speaks plain HTTP",
  }),
};

export const EnrollResponse = Type.Object({
  project: Type.String(),
  hostId: Type.String(),
  hostName: Type.String(),
  credential: Type.String({ description: 'The host credential; the agent keeps it (0600) and uses only it from now on' }),
  ...CredentialTerms,
});

/** A renewed credential: the old one stops working now. */
export const RenewResponse = Type.Object({
  credential: Type.String({ description: 'The new host credential; the previous one no longer works' }),
  ...CredentialTerms,
});

export const DesiredStateQuery = Type.Object(
  {
    revision: Type.Optional(Type.String({ maxLength: 128, description: 'The revision the agent has; the answer waits until it changes' })),
    waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, default: 25 })),
  },
  { additionalProperties: false },
);

/** Install K3s with `plan` (the agent does nothing if the same plan is already installed). */
export const InstallActionSchema = Type.Object({
  kind: Type.Literal('install'),
  cluster: Type.String(),
  plan: Type.Unsafe<BootstrapPlan>(
    Type.Record(Type.String(), Type.Unknown(), { description: 'The bootstrap plan (see domain/bootstrap/bootstrap-plan.ts)' }),
  ),
  planRevision: Type.String({
    description: 'sha256 of the install plan, computed once by the server; the agent keys its finished work and install marker by it',
  }),
});

/** What the host must do about its cluster now; the closed list of domain/bootstrap/desired-state.ts's ClusterAction. */
export const ClusterActionSchema = Type.Union([
  InstallActionSchema,
  Type.Object({ kind: Type.Literal('blocked'), cluster: Type.String(), reason: ReasonSchema }),
  Type.Object({ kind: Type.Literal('remove'), cluster: Type.Union([Type.String(), Type.Null()]) }),
  Type.Object({ kind: Type.Literal('wait'), cluster: Type.String(), message: Type.String() }),
  Type.Object(
    {
      kind: Type.Literal('update-os'),
      cluster: Type.String(),
      osProfile: Type.String(),
      version: Type.String({ description: 'The OS profile version to move to' }),
      argv: Type.Array(Type.String(), {
        description: 'The OS update command, run without a shell; the host then reboots into the new image',
      }),
    },
    { description: 'Option 2: update the image to a version compatible with the cluster, then report the new manifest' },
  ),
  Type.Object({ kind: Type.Literal('none') }),
]);

/** The desired state of one host; the revision is opaque and changes exactly when what the agent must do changes. */
export const DesiredStateSchema = Type.Object({
  revision: Type.String(),
  host: Type.Object({ id: Type.String(), name: Type.String(), state: Type.String() }),
  osProfile: Type.Union([Type.String(), Type.Null()]),
  action: ClusterActionSchema,
});

export const AgentReportBody = Type.Object(
  {
    manifest: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    cluster: Type.Union([
      Type.Object(
        {
          name: Type.Union([Type.String({ maxLength: 253 }), Type.Null()]),
          phase: Type.Union([
            Type.Literal('installing'),
            Type.Literal('ready'),
            Type.Literal('failed'),
            Type.Literal('removing'),
            Type.Literal('removed'),
          ]),
          message: Type.String({ maxLength: 8000 }),
          kubeconfig: Type.Optional(Type.String({ maxLength: 256 * 1024 })),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

export const AgentReportAck = Type.Object({ accepted: Type.Boolean() });

export type EnrollRequestT = Static<typeof EnrollRequest>;
export type EnrollResponseT = Static<typeof EnrollResponse>;
export type RenewResponseT = Static<typeof RenewResponse>;
export type DesiredStateT = Static<typeof DesiredStateSchema>;
export type ClusterActionT = Static<typeof ClusterActionSchema>;
export type AgentReportT = Static<typeof AgentReportBody>;
export type AgentReportAckT = Static<typeof AgentReportAck>;
