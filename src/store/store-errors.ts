/** Translating engine errors at the boundary (STYLE E5): driver text stays in `cause`, never in `detail`. */
import { AppError } from '../domain/errors.ts';

/** A unique-constraint violation on either engine (SQLite SQLITE_CONSTRAINT_*, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs an insert; a unique violation that raced past the explicit checks becomes AlreadyExists. */
export async function insertOrConflict<T>(what: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('AlreadyExists', `${what} already exists`, { cause: error });
    throw error;
  }
}
