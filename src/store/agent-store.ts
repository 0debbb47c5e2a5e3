/**
 * Southbound credentials: project enrollment tokens (shared by many hosts, create-only) and per-host
 * credentials handed out at enrollment. Only sha256 hashes are stored.
 */
import type { Host } from '../domain/inventory/host.ts';
import { createId, nowIso } from './create-id.ts';
import type { Db } from './database.ts';
import { toHost } from './host-store.ts';

export interface EnrollmentToken {
  id: string;
  project: string;
  name: string;
  createdAt: string;
}

export interface AgentStore {
  createEnrollmentToken(input: { project: string; name: string; secretHash: string }): Promise<EnrollmentToken>;
  findEnrollmentToken(secretHash: string): Promise<EnrollmentToken | null>;
  /** Replaces the host's credential (a re-enrolling or renewing agent gets a new one; the old one stops working). */
  setHostCredential(project: string, hostId: string, secretHash: string, expiresAt: string): Promise<void>;
  /** The host a credential belongs to, whatever its project; null when unknown or expired. */
  findHostByCredential(secretHash: string): Promise<Host | null>;
}

export function createAgentStore(db: Db): AgentStore {
  return {
    async createEnrollmentToken({ project, name, secretHash }) {
      const row = { id: createId(), project, name, secret_hash: secretHash, created_at: nowIso() };
      await db.insertInto('enrollment_tokens').values(row).execute();
      return { id: row.id, project, name, createdAt: row.created_at };
    },
    async findEnrollmentToken(secretHash) {
      const row = await db.selectFrom('enrollment_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row ? { id: row.id, project: row.project, name: row.name, createdAt: row.created_at } : null;
    },
    async setHostCredential(project, hostId, secretHash, expiresAt) {
      await db.deleteFrom('host_credentials').where('host_id', '=', hostId).execute();
      await db
        .insertInto('host_credentials')
        .values({ host_id: hostId, project, secret_hash: secretHash, created_at: nowIso(), expires_at: expiresAt })
        .execute();
    },
    async findHostByCredential(secretHash) {
      const row = await db
        .selectFrom('host_credentials')
        .innerJoin('hosts', 'hosts.id', 'host_credentials.host_id')
        .selectAll('hosts')
        .where('host_credentials.secret_hash', '=', secretHash)
        .where((eb) => eb.or([eb('host_credentials.expires_at', 'is', null), eb('host_credentials.expires_at', '>', nowIso())]))
        .executeTakeFirst();
      return row ? toHost(row) : null;
    },
  };
}
