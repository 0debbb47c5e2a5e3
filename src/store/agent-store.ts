/**
 * Southbound credentials: project enrollment tokens (shared by many hosts; expiring, counted, revocable) and
 * per-host credentials handed out at enrollment. Only sha256 hashes are stored.
 */
import { AppError, notFound } from '../domain/errors.ts';
import type { EnrollmentToken } from '../domain/enrollment/enrollment.ts';
import type { Host } from '../domain/inventory/host.ts';
import { reasonCodes } from '../domain/reasons.ts';
import { createId, nowIso } from './create-id.ts';
import type { Db, EnrollmentTokenTable } from './database.ts';
import { toHost } from './host-store.ts';
import { isUniqueViolation } from './store-errors.ts';

export type { EnrollmentToken };

export interface NewEnrollmentToken {
  project: string;
  name: string;
  secretHash: string;
  expiresAt: string | null;
  maxUses: number | null;
}

export interface AgentStore {
  createEnrollmentToken(input: NewEnrollmentToken): Promise<EnrollmentToken>;
  findEnrollmentToken(secretHash: string): Promise<EnrollmentToken | null>;
  listEnrollmentTokens(project: string): Promise<EnrollmentToken[]>;
  /** NotFound when the project has no such token. */
  deleteEnrollmentToken(project: string, id: string): Promise<void>;
  /** Counts one enrollment; false (and nothing counted) when the token has no use left or is gone. */
  useEnrollmentToken(id: string): Promise<boolean>;
  /** Gives the host its credential; InvalidState (HostAlreadyEnrolled) when it has one, so none is ever replaced. */
  issueHostCredential(project: string, hostId: string, secretHash: string, expiresAt: string): Promise<void>;
  hasHostCredential(project: string, hostId: string): Promise<boolean>;
  /** Removes the host's credential (its agent must enroll again); false when it had none. */
  deleteHostCredential(project: string, hostId: string): Promise<boolean>;
  /** Replaces the credential of a host that has one (its agent renews it; the old one stops working). */
  setHostCredential(project: string, hostId: string, secretHash: string, expiresAt: string): Promise<void>;
  /** The host a credential belongs to, whatever its project; null when unknown or expired. */
  findHostByCredential(secretHash: string): Promise<Host | null>;
}

const toEnrollmentToken = (row: Omit<EnrollmentTokenTable, 'uses'> & { uses: number }): EnrollmentToken => ({
  id: row.id,
  project: row.project,
  name: row.name,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  maxUses: row.max_uses === null ? null : Number(row.max_uses),
  uses: Number(row.uses),
});

export function createAgentStore(db: Db): AgentStore {
  return {
    async createEnrollmentToken({ project, name, secretHash, expiresAt, maxUses }) {
      const row = {
        id: createId(),
        project,
        name,
        secret_hash: secretHash,
        created_at: nowIso(),
        expires_at: expiresAt,
        max_uses: maxUses,
        uses: 0,
      };
      await db.insertInto('enrollment_tokens').values(row).execute();
      return toEnrollmentToken(row);
    },
    async findEnrollmentToken(secretHash) {
      const row = await db.selectFrom('enrollment_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row ? toEnrollmentToken(row) : null;
    },
    async listEnrollmentTokens(project) {
      const rows = await db.selectFrom('enrollment_tokens').selectAll().where('project', '=', project).orderBy('id').execute();
      return rows.map(toEnrollmentToken);
    },
    async deleteEnrollmentToken(project, id) {
      const result = await db.deleteFrom('enrollment_tokens').where('project', '=', project).where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('enrollment token', id);
    },
    async useEnrollmentToken(id) {
      // One conditional update, so concurrent enrollments cannot overspend the count.
      const result = await db
        .updateTable('enrollment_tokens')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('id', '=', id)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async issueHostCredential(project, hostId, secretHash, expiresAt) {
      try {
        await db
          .insertInto('host_credentials')
          .values({ host_id: hostId, project, secret_hash: secretHash, created_at: nowIso(), expires_at: expiresAt })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('InvalidState', 'the host is already enrolled; reset its credential before it enrolls again', {
          reason: reasonCodes.HostAlreadyEnrolled,
          cause: error,
        });
      }
    },
    async hasHostCredential(project, hostId) {
      const row = await db
        .selectFrom('host_credentials')
        .select('host_id')
        .where('project', '=', project)
        .where('host_id', '=', hostId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async deleteHostCredential(project, hostId) {
      const result = await db
        .deleteFrom('host_credentials')
        .where('project', '=', project)
        .where('host_id', '=', hostId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async setHostCredential(project, hostId, secretHash, expiresAt) {
      await db.deleteFrom('host_credentials').where('host_id', '=', hostId).execute();
      await db
        .insertInto('host_credentials')
        .values({ host_id: hostId, project, secret_hash: secretHash, created_at: nowIso(), expires_at: expiresAt })
        .execute();
    },
    async findHostByCredential(secretHash) {
      // A scalar subquery rather than a join, for the same reason as ClusterStore.findByHost: every agent request runs it.
      const row = await db
        .selectFrom('hosts')
        .selectAll()
        .where('id', '=', (eb) =>
          eb
            .selectFrom('host_credentials')
            .select('host_id')
            .where('secret_hash', '=', secretHash)
            .where((c) => c.or([c('expires_at', 'is', null), c('expires_at', '>', nowIso())])),
        )
        .executeTakeFirst();
      return row ? toHost(row) : null;
    },
  };
}
