/** The southbound API: enrollment, desired state (long-poll), reports. Used only by edge-orch agents. */
import { Type } from 'typebox';

export const EnrollmentTokenCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const EnrollmentTokenCreated = Type.Object({
  id: Type.String(),
  project: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  token: Type.String({ description: 'The enrollment secret; shown only now' }),
});

export const EnrollRequest = Type.Object(
  {
    enrollmentToken: Type.String({ minLength: 1, maxLength: 200 }),
    uuid: Type.Optional(Type.String({ maxLength: 64 })),
    serial: Type.Optional(Type.String({ maxLength: 64 })),
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

export const EnrollResponse = Type.Object({
  project: Type.String(),
  hostId: Type.String(),
  hostName: Type.String(),
  credential: Type.String({ description: 'The host credential; the agent keeps it (0600) and uses only it from now on' }),
});

export const DesiredStateQuery = Type.Object(
  {
    revision: Type.Optional(Type.String({ maxLength: 128, description: 'The revision the agent has; the answer waits until it changes' })),
    waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, default: 25 })),
  },
  { additionalProperties: false },
);

/**
 * The desired state; `action.plan` is the bootstrap plan the agent executes (see domain/bootstrap/bootstrap-plan.ts),
 * and `action.planRevision` its fingerprint, which agents compare instead of the plan.
 */
export const DesiredStateSchema = Type.Object({
  revision: Type.String(),
  host: Type.Object({ id: Type.String(), name: Type.String(), state: Type.String() }),
  osProfile: Type.Union([Type.String(), Type.Null()]),
  action: Type.Object(
    {
      kind: Type.String({ description: 'install, blocked, remove, wait or none' }),
      planRevision: Type.Optional(
        Type.String({ description: 'On an install action: a fingerprint of `plan`, which changes exactly when the plan changes' }),
      ),
    },
    { additionalProperties: true },
  ),
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
