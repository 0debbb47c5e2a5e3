/** The audit log: appended to, never changed; read a project at a time, newest first, in pages. */
import { sql } from 'kysely';
import type { AuditEvent } from '../domain/audit/audit-event.ts';
import { createId } from './create-id.ts';
import type { AuditEventTable, Db } from './database.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import type { Page, PageRequest } from './store.ts';

export interface AuditStore {
  append(event: Omit<AuditEvent, 'id'>): Promise<AuditEvent>;
  /** Newest first; the cursor continues with older events. */
  list(project: string, page?: PageRequest, filter?: AuditFilter): Promise<Page<AuditEvent>>;
}

export interface AuditFilter {
  /** The token's name or id. */
  actor?: string | undefined;
  /** Text the action contains, in any case. */
  action?: string | undefined;
}

/** A LIKE pattern matching values that contain `text` (its wildcards escaped). */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const toAuditEvent = (row: AuditEventTable): AuditEvent => ({
  id: row.id,
  project: row.project,
  at: row.at,
  actor: {
    kind: row.actor_kind as AuditEvent['actor']['kind'],
    tokenId: row.token_id,
    tokenName: row.token_name,
    role: row.role,
  },
  action: row.action,
  target: JSON.parse(row.target) as Record<string, string>,
  status: Number(row.status),
  outcome: row.outcome,
  requestId: row.request_id,
});

export function createAuditStore(db: Db): AuditStore {
  return {
    async append(event) {
      const row: AuditEventTable = {
        id: createId(),
        project: event.project,
        at: event.at,
        actor_kind: event.actor.kind,
        token_id: event.actor.tokenId,
        token_name: event.actor.tokenName,
        role: event.actor.role,
        action: event.action,
        target: JSON.stringify(event.target),
        status: event.status,
        outcome: event.outcome,
        request_id: event.requestId,
      };
      await db.insertInto('audit_events').values(row).execute();
      return toAuditEvent(row);
    },
    async list(project, page, { actor, action } = {}) {
      const limit = pageLimit(page);
      const before = decodeCursor(page?.cursor);
      let query = db.selectFrom('audit_events').selectAll().where('project', '=', project);
      if (actor !== undefined) query = query.where((eb) => eb.or([eb('token_name', '=', actor), eb('token_id', '=', actor)]));
      if (action !== undefined) query = query.where(sql<boolean>`lower(action) like ${containing(action.toLowerCase())} escape '\\'`);
      if (before) query = query.where('id', '<', before);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows.map(toAuditEvent), limit);
    },
  };
}
