/** A project's onboarding setting on the wire (EMF's "Onboard automatically"). */
import { Type } from 'typebox';

export const OnboardingSettings = Type.Object(
  {
    autoOnboard: Type.Boolean({
      description: 'true: a registered host onboards when its agent enrolls; false: it waits for an onboarding manager to approve it',
    }),
  },
  { additionalProperties: false },
);
