/**
 * Prepared statements kept by SQL text. Kysely's SQLite driver asks for a new statement on every query, and
 * preparing costs more than running most of ours; the connection wrapped here hands back the statement it
 * prepared before. Bounded (least recently used dropped); a statement still iterating rows (a stream) is busy,
 * so a query of the same text meanwhile gets one of its own. Statements belong to the one connection, so they
 * serve transactions and plain queries alike.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export const STATEMENT_CACHE_SIZE = 500;

export function cacheStatements(database: Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached) {
        if (cached.busy) return database.prepare(sql);
        // Re-inserted: the Map's order is the recency order.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
