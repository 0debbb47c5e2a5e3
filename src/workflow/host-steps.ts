/**
 * Step results for work done on existing hosts within one request (provisioning a host, creating a cluster):
 * the registration job's step model, so the API, CLI and UI show it the same way.
 */
import {
  applyStepOutcome,
  applyStepStart,
  type HostProgress,
  type StepName,
  type StepOutcome,
} from '../domain/registration/registration-steps.ts';

/** The step ran (within the request) with this outcome; a failure skips the later steps. */
export function recordStepOutcome(progress: HostProgress, step: StepName, outcome: StepOutcome): HostProgress {
  const now = new Date().toISOString();
  return applyStepOutcome(applyStepStart(progress, step, now), step, outcome, { now, atomic: false });
}
