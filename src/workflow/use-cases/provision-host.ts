/**
 * Provisioning an existing host (one registered without auto-provision): its instance is created by the
 * registration's create-instance step, so the answer carries the same step result as a registration job.
 * A failed step is answered as a problem with the step results in `steps`.
 */
import { createReasonError } from '../../domain/reason-error.ts';
import type { Host } from '../../domain/inventory/host.ts';
import type { Instance } from '../../domain/inventory/instance.ts';
import type { StepState } from '../../domain/registration/registration-steps.ts';
import { createPendingSteps } from '../../domain/registration/registration-steps.ts';
import { recordStepOutcome } from '../host-steps.ts';
import { createReferenceCache } from '../reference-cache.ts';
import { createInstanceStep } from '../steps/create-instance.step.ts';
import { runStepGroup } from '../steps/step.ts';
import { resolveHost } from './resolve-host.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export interface Provisioning {
  host: Host;
  instance: Instance;
  /** True when the instance was created now; false when the host already had one of this OS profile. */
  created: boolean;
  steps: StepState[];
}

export async function provisionHost(
  deps: Pick<UseCaseDeps, 'store' | 'events'>,
  { project, host: idOrName, osProfile }: { project: string; host: string; osProfile: string },
): Promise<Provisioning> {
  const host = await resolveHost(deps, project, idOrName);
  if (host.state === 'deauthorized')
    throw createReasonError({ code: 'HostDeauthorized', message: `host ${host.name} is deauthorized and cannot be provisioned` });
  const result = await deps.store.transaction(async (tx) => {
    const { name, uuid, serial, site, labels } = host;
    const plan = { index: 0, registration: { name, uuid, serial, site, labels }, osProfile, template: null, cluster: null };
    const [outcome] = await runStepGroup(createInstanceStep, { store: tx, project, refs: createReferenceCache() }, [
      { plan, hostId: host.id },
    ]);
    // The step names the field as in a registration job (hosts/0/osProfile); here it is the request's osProfile.
    const named = outcome!.ok || !outcome!.reason.field ? outcome! : { ...outcome!, reason: { ...outcome!.reason, field: 'osProfile' } };
    const { steps } = recordStepOutcome(createPendingSteps(['create-instance']), 'create-instance', named);
    if (!named.ok) throw createReasonError(named.reason, { field: 'osProfile', extra: { steps } });
    return { instance: await tx.instances.get(project, named.resourceId), created: named.created, steps };
  });
  deps.events.changed(project, host.id);
  return { host, ...result };
}
