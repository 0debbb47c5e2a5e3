/**
 * Templates keep their control-plane config typed, as parsed at import (templates.config, JSON). Rows stored
 * before are parsed here with today's import checks; a row those checks refuse is kept, its config marked
 * refused: it still lists, reads and deletes, and a host of a cluster using it is told why it is not installed.
 */
import type { Kysely } from 'kysely';
import { parseStoredControlPlaneConfig } from '../../domain/inventory/template.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('templates').addColumn('config', 'text').execute();
  const rows = await db.selectFrom('templates').select(['project', 'name', 'version', 'doc']).execute();
  for (const row of rows) {
    const config = parseStoredControlPlaneConfig(JSON.parse(row.doc));
    await db
      .updateTable('templates')
      .set({ config: JSON.stringify(config) })
      .where('project', '=', row.project)
      .where('name', '=', row.name)
      .where('version', '=', row.version)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('templates').dropColumn('config').execute();
}
