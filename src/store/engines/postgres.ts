/** PostgreSQL: several orchestrator replicas share one database; a small pool per process. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database as Schema } from '../database.ts';

export function createDb({ connectionString }: { connectionString: string }): Kysely<Schema> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}
