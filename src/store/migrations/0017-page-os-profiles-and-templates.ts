/**
 * OS profiles and templates page by (name, version) in version order, which is not the text order of the
 * version (3.0.9 < 3.0.20250504; v0.0.4-dev < v0.0.4). Each row gets version_key, the domain's sort key of its
 * version, whose code-point order is the version order; pages are ranges of an index on (project, name,
 * version_key). PostgreSQL compares these columns in the "C" collation (code point order, as SQLite's BINARY
 * does), so both engines order and page alike. The keys come from the domain's functions: a change of their
 * encoding needs a migration that rewrites the column.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { osProfileVersionSortKey } from '../../domain/inventory/os-profile.ts';
import { templateVersionSortKey } from '../../domain/inventory/template.ts';

const TABLES = [
  { table: 'os_profile_versions', index: 'os_profile_versions_page', keyOf: osProfileVersionSortKey, order: 'desc' },
  { table: 'templates', index: 'templates_page', keyOf: templateVersionSortKey, order: 'asc' },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const collate = postgres ? sql.raw(' collate "C"') : sql.raw('');
  for (const { table, index, keyOf, order } of TABLES) {
    await sql`alter table ${sql.table(table)} add column version_key text${collate} not null default ''`.execute(db);
    const rows = await db.selectFrom(table).select(['project', 'name', 'version']).execute();
    for (const row of rows as { project: string; name: string; version: string }[])
      await db
        .updateTable(table)
        .set({ version_key: keyOf(row.version) })
        .where('project', '=', row.project)
        .where('name', '=', row.name)
        .where('version', '=', row.version)
        .execute();
    await sql`create index ${sql.id(index)} on ${sql.table(table)} (project, name${collate}, version_key ${sql.raw(order)})`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { table, index } of TABLES) {
    await db.schema.dropIndex(index).ifExists().execute();
    await db.schema.alterTable(table).dropColumn('version_key').execute();
  }
}
