import type { Db } from './database.ts';
import { nowIso } from './create-id.ts';
import type { ProjectStore } from './store.ts';

export function createProjectStore(db: Db): ProjectStore {
  return {
    async ensure(name) {
      await db
        .insertInto('projects')
        .values({ name, created_at: nowIso() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    },
    async getAutoOnboard(name) {
      const row = await db.selectFrom('projects').select('auto_onboard').where('name', '=', name).executeTakeFirst();
      return row === undefined || Number(row.auto_onboard) === 1;
    },
    async setAutoOnboard(name, autoOnboard) {
      const value = Number(autoOnboard);
      await db
        .insertInto('projects')
        .values({ name, created_at: nowIso(), auto_onboard: value })
        .onConflict((oc) => oc.column('name').doUpdateSet({ auto_onboard: value }))
        .execute();
    },
    async list() {
      return (await db.selectFrom('projects').select('name').orderBy('name').execute()).map((r) => r.name);
    },
  };
}
