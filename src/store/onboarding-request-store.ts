/**
 * The onboarding lobby's requests: one per unknown machine and project, recorded (or seen again) when it enrolls,
 * listed for onboarding managers, rejected, or deleted when approved (the host it became is the record then).
 */
import { notFound } from '../domain/errors.ts';
import {
  lobbyFull,
  lobbyKey,
  type MachineFacts,
  type OnboardingRequest,
  type OnboardingRequestState,
} from '../domain/enrollment/onboarding-request.ts';
import { createId, nowIso } from './create-id.ts';
import type { Db, OnboardingRequestTable } from './database.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import type { Page, PageRequest } from './store.ts';

export interface MachineEnrollment {
  uuid: string | null;
  serial: string | null;
  facts: MachineFacts;
  tokenId: string;
  tokenName: string;
}

export interface OnboardingRequestStore {
  /**
   * Records the machine as pending, or refreshes its request (last seen, token, facts if any) when it has one; a
   * rejected request is returned unchanged. TooManyRequests (OnboardingLobbyFull) when a new request would make
   * more than `capacity` pending in the project.
   */
  record(project: string, machine: MachineEnrollment, capacity: number): Promise<OnboardingRequest>;
  findByMachine(project: string, identity: { uuid: string | null; serial: string | null }): Promise<OnboardingRequest | null>;
  get(project: string, id: string): Promise<OnboardingRequest>;
  /** Oldest first. */
  list(project: string, filter?: { state?: OnboardingRequestState }, page?: PageRequest): Promise<Page<OnboardingRequest>>;
  setState(project: string, id: string, state: OnboardingRequestState): Promise<OnboardingRequest>;
  delete(project: string, id: string): Promise<void>;
}

const toRequest = (row: OnboardingRequestTable): OnboardingRequest => ({
  id: row.id,
  project: row.project,
  uuid: row.uuid,
  serial: row.serial,
  facts: JSON.parse(row.facts) as MachineFacts,
  state: row.state as OnboardingRequestState,
  tokenId: row.token_id,
  tokenName: row.token_name,
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
});

export function createOnboardingRequestStore(db: Db): OnboardingRequestStore {
  async function findByMachine(project: string, identity: { uuid: string | null; serial: string | null }) {
    const row = await db
      .selectFrom('onboarding_requests')
      .selectAll()
      .where('project', '=', project)
      .where('lobby_key', '=', lobbyKey(identity))
      .executeTakeFirst();
    return row ? toRequest(row) : null;
  }
  async function get(project: string, id: string) {
    const row = await db
      .selectFrom('onboarding_requests')
      .selectAll()
      .where('project', '=', project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('onboarding request', id);
    return toRequest(row);
  }
  return {
    findByMachine,
    get,
    async record(project, { uuid, serial, facts, tokenId, tokenName }, capacity) {
      const now = nowIso();
      const seen = { token_id: tokenId, token_name: tokenName, last_seen_at: now };
      const existing = await findByMachine(project, { uuid, serial });
      if (existing) {
        if (existing.state !== 'pending') return existing;
        // Facts are replaced only by new ones: an enrollment that reports none keeps what the machine said before.
        const reported = Object.keys(facts).length > 0 ? { facts: JSON.stringify(facts) } : {};
        await db
          .updateTable('onboarding_requests')
          .set({ ...seen, ...reported })
          .where('id', '=', existing.id)
          .where('state', '=', 'pending')
          .execute();
        return get(project, existing.id);
      }
      const { pending } = await db
        .selectFrom('onboarding_requests')
        .select((eb) => eb.fn.countAll<number>().as('pending'))
        .where('project', '=', project)
        .where('state', '=', 'pending')
        .executeTakeFirstOrThrow();
      if (Number(pending) >= capacity) throw lobbyFull(project, capacity);
      // Two enrollments of one machine racing: the second finds the first's row.
      await db
        .insertInto('onboarding_requests')
        .values({
          id: createId(),
          project,
          lobby_key: lobbyKey({ uuid, serial }),
          uuid,
          serial,
          state: 'pending',
          first_seen_at: now,
          facts: JSON.stringify(facts),
          ...seen,
        })
        .onConflict((oc) => oc.columns(['project', 'lobby_key']).doNothing())
        .execute();
      return (await findByMachine(project, { uuid, serial }))!;
    },
    async list(project, filter = {}, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor);
      let query = db.selectFrom('onboarding_requests').selectAll().where('project', '=', project);
      if (filter.state) query = query.where('state', '=', filter.state);
      if (after) query = query.where('id', '>', after);
      const rows = await query
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return toPage(rows.map(toRequest), limit);
    },
    async setState(project, id, state) {
      await get(project, id);
      await db.updateTable('onboarding_requests').set({ state }).where('project', '=', project).where('id', '=', id).execute();
      return get(project, id);
    },
    async delete(project, id) {
      await db.deleteFrom('onboarding_requests').where('project', '=', project).where('id', '=', id).execute();
    },
  };
}
