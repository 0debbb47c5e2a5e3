/**
 * A registration step, run for a group of hosts at once: `plan` re-observes the world for the whole group (a few
 * queries, whatever its size) and decides per host, writing nothing, so the dry run uses it too; the group plan's
 * `create` writes every resource it decided to create with multi-row inserts; `compensate` undoes what the step
 * created for one host (atomic mode). A new kind of step is one more file here, listed in steps.ts.
 */
import type { StepDecision } from '../../domain/registration/registration-decisions.ts';
import type { HostPlan, StepName, StepOutcome, StepState } from '../../domain/registration/registration-steps.ts';
import type { Store } from '../../store/store.ts';
import type { ReferenceCache } from '../reference-cache.ts';

/** What a step works with: the store (bound to the step's transaction in the engine), one project, shared references. */
export interface StepGroupContext {
  store: Store;
  project: string;
  refs: ReferenceCache;
}

/** One host of a group. */
export interface StepHost {
  plan: HostPlan;
  /** The registered host: from the register-host step, or null in a dry run when the host would be created. */
  hostId: string | null;
}

export interface StepContext extends StepGroupContext, StepHost {}

/** The decisions for a group of hosts, one per host in order, and the write of those that create. */
export interface GroupPlan {
  decisions: StepDecision[];
  /** Writes the resource of every host whose decision is `create`; their ids (names for clusters), in host order. */
  create(store: Store): Promise<string[]>;
}

/** A host's decision, carrying what its create writes. */
export type PlannedStep<W> = { kind: 'create'; write: W } | Exclude<StepDecision, { kind: 'create' }>;

export interface RegistrationStep {
  readonly name: StepName;
  plan(ctx: StepGroupContext, hosts: readonly StepHost[]): Promise<GroupPlan>;
  /** Undoes the step: removes what it created, keeps what existed before. `ok: false` when that fails. */
  compensate(ctx: StepContext, state: StepState): Promise<{ ok: boolean; message: string }>;
}

/** The group plan of `planned`: `createAll` receives the writes of the hosts deciding create, in order. */
export function toGroupPlan<W>(planned: readonly PlannedStep<W>[], createAll: (store: Store, writes: W[]) => Promise<string[]>): GroupPlan {
  const writes = planned.flatMap((p) => (p.kind === 'create' ? [p.write] : []));
  return {
    decisions: planned.map((p) => (p.kind === 'create' ? { kind: 'create' } : p)),
    create: async (store) => (writes.length === 0 ? [] : createAll(store, writes)),
  };
}

/** Plans and creates: the step's whole effect for the group, inside the caller's transaction; one outcome per host. */
export async function runStepGroup(step: RegistrationStep, ctx: StepGroupContext, hosts: readonly StepHost[]): Promise<StepOutcome[]> {
  const plan = await step.plan(ctx, hosts);
  const created = await plan.create(ctx.store);
  let next = 0;
  return plan.decisions.map((decision): StepOutcome => {
    switch (decision.kind) {
      case 'fail':
        return { ok: false, reason: decision.reason };
      case 'exists':
        return { ok: true, resourceId: decision.resourceId, created: false, reason: decision.reason };
      case 'create':
        return { ok: true, resourceId: created[next++]!, created: true };
    }
  });
}

/** The registered host's id; the instance and cluster steps run only after register-host succeeded. */
export function requireHostId(host: StepHost, step: StepName): string {
  if (host.hostId === null) throw new Error(`step ${step} of hosts/${host.plan.index} ran without a registered host`);
  return host.hostId;
}
