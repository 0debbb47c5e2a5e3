/**
 * Pulling the host's desired state: one long-poll with the revision the agent has, checked for the shape the
 * agent relies on before anything acts on it.
 */
import type { ClusterActionT, DesiredStateT } from '../contract/agent.schema.ts';
import { SouthboundError, type SouthboundClient } from './southbound-client.ts';

/** Every kind the server sends; a record over the contract's kinds, so a new kind cannot be left out here. */
const KNOWN_KINDS: Record<ClusterActionT['kind'], true> = {
  install: true,
  blocked: true,
  remove: true,
  wait: true,
  'update-os': true,
  none: true,
};
const ACTION_KINDS = Object.keys(KNOWN_KINDS) as ClusterActionT['kind'][];

export interface PollOptions {
  client: SouthboundClient;
  credential: string;
  /** The revision the agent has acted on; undefined on start, which answers at once. */
  revision: string | undefined;
  waitSeconds: number;
  signal?: AbortSignal;
}

/** The desired state, once it differs from `revision` or the wait is over (then it may equal `revision`). */
export async function pollDesiredState({ client, credential, revision, waitSeconds, signal }: PollOptions): Promise<DesiredStateT> {
  const state = await client.desiredState(credential, { ...(revision !== undefined ? { revision } : {}), waitSeconds }, signal);
  checkDesiredState(state);
  return state;
}

/** Throws when the answer is not a desired state this agent understands (a non-retryable SouthboundError). */
export function checkDesiredState(state: DesiredStateT): void {
  const problem = (what: string): SouthboundError =>
    new SouthboundError(`the desired state from the server is not usable: ${what}`, { status: 200 });
  if (typeof state.revision !== 'string' || state.revision === '') throw problem('revision is missing');
  const action = state.action as Partial<ClusterActionT> | undefined;
  if (!action || !ACTION_KINDS.includes(action.kind as ClusterActionT['kind']))
    throw problem(`action.kind ${JSON.stringify(action?.kind)} is not one of ${ACTION_KINDS.join(', ')}`);
  if (
    action.kind === 'install' &&
    (typeof action.cluster !== 'string' ||
      typeof action.plan !== 'object' ||
      action.plan === null ||
      typeof action.planRevision !== 'string')
  )
    throw problem('an install action needs a cluster name, a plan and its revision');
  if (action.kind === 'blocked' && typeof action.reason?.message !== 'string') throw problem('a blocked action needs a reason');
  if (
    action.kind === 'update-os' &&
    (typeof action.cluster !== 'string' ||
      typeof action.osProfile !== 'string' ||
      typeof action.version !== 'string' ||
      !Array.isArray(action.argv) ||
      action.argv.length === 0 ||
      !action.argv.every((a) => typeof a === 'string'))
  )
    throw problem("an update-os action needs a cluster name, the OS profile and version, and the command's argv");
}
