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
    async list() {
      return (await db.selectFrom('projects').select('name').orderBy('name').execute()).map((r) => r.name);
    },
  };
}
