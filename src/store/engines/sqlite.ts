/** SQLite (the embedded default): one file, WAL, foreign keys on, waits instead of failing when busy. */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../database.ts';

export function createDb({ file }: { file: string }): Kysely<Schema> {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
}
