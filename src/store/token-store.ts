import { notFound } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { createId, nowIso } from './create-id.ts';
import type { ApiTokenTable, Db } from './database.ts';
import { decodeCursor, pageLimit, toPage } from './paging.ts';
import type { ApiToken, TokenStore } from './store.ts';

const toToken = (row: Omit<ApiTokenTable, 'secret_hash'>): ApiToken => ({
  id: row.id,
  project: row.project,
  role: row.role as Role,
  name: row.name,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export function createTokenStore(db: Db): TokenStore {
  return {
    async create({ project, role, name, secretHash, expiresAt = null }) {
      const row = { id: createId(), project, role, name, secret_hash: secretHash, created_at: nowIso(), expires_at: expiresAt };
      await db
        .insertInto('projects')
        .values({ name: project, created_at: row.created_at })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      await db.insertInto('api_tokens').values(row).execute();
      return toToken(row);
    },
    async findBySecretHash(secretHash) {
      const row = await db.selectFrom('api_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async list(project, page) {
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor);
      let query = db.selectFrom('api_tokens').selectAll().where('project', '=', project);
      if (after) query = query.where('id', '>', after);
      const rows = await query
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return toPage(rows.map(toToken), limit);
    },
    async delete(project, id) {
      const result = await db.deleteFrom('api_tokens').where('project', '=', project).where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('token', id);
    },
  };
}
