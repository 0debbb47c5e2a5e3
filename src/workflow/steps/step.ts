/**
 * A registration step: `plan` re-observes the world and decides (writing nothing, so the dry run uses it too);
 * the create it returns writes the resource; `compensate` undoes what the step created (atomic mode).
 */
import type { StepDecision } from '../../domain/registration/registration-decisions.ts';
import type { HostPlan, StepName, StepOutcome, StepState } from '../../domain/registration/registration-steps.ts';
import type { Store } from '../../store/store.ts';
import type { ReferenceCache } from '../reference-cache.ts';

export interface StepContext {
  /** Bound to the step's transaction in the engine. */
  store: Store;
  project: string;
  plan: HostPlan;
  /** The registered host: from the register-host step, or null in a dry run when the host would be created. */
  hostId: string | null;
  refs: ReferenceCache;
}

export type StepPlan = { kind: 'create'; create(store: Store): Promise<string> } | Exclude<StepDecision, { kind: 'create' }>;

export interface RegistrationStep {
  readonly name: StepName;
  plan(ctx: StepContext): Promise<StepPlan>;
  /** Undoes the step: removes what it created, keeps what existed before. `ok: false` when that fails. */
  compensate(ctx: StepContext, state: StepState): Promise<{ ok: boolean; message: string }>;
}

/** Plans and, when the plan is to create, creates: the step's whole effect, inside the caller's transaction. */
export async function runStep(step: RegistrationStep, ctx: StepContext): Promise<StepOutcome> {
  const plan = await step.plan(ctx);
  switch (plan.kind) {
    case 'fail':
      return { ok: false, reason: plan.reason };
    case 'exists':
      return { ok: true, resourceId: plan.resourceId, created: false, reason: plan.reason };
    case 'create':
      return { ok: true, resourceId: await plan.create(ctx.store), created: true };
  }
}

/** The registered host's id; the instance and cluster steps run only after register-host succeeded. */
export function requireHostId(ctx: StepContext, step: StepName): string {
  if (ctx.hostId === null) throw new Error(`step ${step} of hosts/${ctx.plan.index} ran without a registered host`);
  return ctx.hostId;
}
