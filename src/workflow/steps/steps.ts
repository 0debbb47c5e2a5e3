/** The steps by name, in the order a host runs them. */
import type { StepName } from '../../domain/registration/registration-steps.ts';
import { createClusterStep } from './create-cluster.step.ts';
import { createInstanceStep } from './create-instance.step.ts';
import { registerHostStep } from './register-host.step.ts';
import type { RegistrationStep } from './step.ts';

export const registrationSteps: Record<StepName, RegistrationStep> = {
  'register-host': registerHostStep,
  'create-instance': createInstanceStep,
  'create-cluster': createClusterStep,
};
