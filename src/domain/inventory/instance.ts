/**
 * Instances: a host's desired OS profile and the OS its agent observes. Real OS installation is outside
 * edge-orch; an instance is running when the agent reports the desired profile.
 */
export type InstanceState = 'provisioning' | 'running' | 'error';

export interface Instance {
  id: string;
  project: string;
  hostId: string;
  /** Name of the desired OS profile. */
  osProfile: string;
  /** Its exact version, resolved when the instance was created (a reference without one takes the latest). */
  osProfileVersion: string;
  /** Name of the OS profile the agent reported, once it has. */
  observedOsProfile: string | null;
  /** The image version the agent reported with it, once it has. */
  observedOsVersion: string | null;
  state: InstanceState;
  createdAt: string;
  updatedAt: string;
}

/** An instance runs when the agent reports the profile that was asked for. */
export function computeInstanceState(desired: string, observed: string | null): InstanceState {
  if (observed === null) return 'provisioning';
  return observed === desired ? 'running' : 'error';
}
