/**
 * SQLite (the embedded default): one file, WAL, foreign keys on, waits instead of failing when busy. The file
 * holds every secret's hash and sealed secrets: it and its -wal/-shm side files are 0600 whatever the umask
 * or the directory's mode (SQLite gives the side files the database file's mode).
 */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../database.ts';
import { cacheStatements } from './sqlite-statement-cache.ts';

const FILE_MODE = 0o600;

export function createDb({ file }: { file: string }): Kysely<Schema> {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk) {
    closeSync(openSync(file, 'a', FILE_MODE));
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, FILE_MODE);
  }
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  if (onDisk) for (const path of [`${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, FILE_MODE);
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: cacheStatements(sqlite) }) });
}
