/** A project's onboarding setting on the wire (EMF's "Onboard automatically"), and the lobby of unknown machines. */
import { Type, type TOptional, type TString } from 'typebox';
import { MACHINE_FACT_NAMES, ONBOARDING_REQUEST_STATES } from '../domain/enrollment/onboarding-request.ts';
import { literalUnion, PageQuery, ProjectParams } from './common.schema.ts';

export const OnboardingSettings = Type.Object(
  {
    autoOnboard: Type.Boolean({
      description: 'true: a registered host onboards when its agent enrolls; false: it waits for an onboarding manager to approve it',
    }),
  },
  { additionalProperties: false },
);

/** What an enrolling machine may report about itself; the server keeps each value cleaned and cut to 128 characters. */
export const MachineFactsSchema = Type.Object(
  Object.fromEntries(MACHINE_FACT_NAMES.map((name) => [name, Type.Optional(Type.String({ maxLength: 256 }))])) as Record<
    (typeof MACHINE_FACT_NAMES)[number],
    TOptional<TString>
  >,
  { additionalProperties: false, description: 'What the machine says about itself (hostname, OS, kernel, architecture): unverified' },
);

export const OnboardingRequestSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  uuid: Type.Union([Type.String(), Type.Null()]),
  serial: Type.Union([Type.String(), Type.Null()]),
  facts: MachineFactsSchema,
  state: literalUnion(ONBOARDING_REQUEST_STATES, { description: 'pending: waits for a decision; rejected: refused for good' }),
  tokenId: Type.String({ description: 'The enrollment token the machine used' }),
  tokenName: Type.String(),
  firstSeenAt: Type.String(),
  lastSeenAt: Type.String(),
});

export const OnboardingRequestList = Type.Object({
  items: Type.Array(OnboardingRequestSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OnboardingRequestQuery = Type.Object(
  { state: Type.Optional(literalUnion(ONBOARDING_REQUEST_STATES)), ...PageQuery },
  { additionalProperties: false },
);

export const OnboardingRequestParams = Type.Object({ ...ProjectParams.properties, id: Type.String({ maxLength: 64 }) });

export const OnboardingApproval = Type.Object(
  {
    name: Type.Optional(
      Type.String({ maxLength: 63, description: "The new host's name; left out, it is derived from the serial (or the uuid)" }),
    ),
  },
  { additionalProperties: false },
);
