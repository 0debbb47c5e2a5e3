/**
 * The exit codes of `edge-orch` commands, which scripts may rely on (docs/cli-exit-codes.md): the class of the
 * error, read from its catalogued HTTP status, whether the server or the command itself refused.
 */
import { isAppError } from '../domain/errors.ts';

export const EXIT_CODES = {
  ok: 0,
  /** Anything else: the server failed or could not be reached, or some items of a multi-item command failed. */
  failure: 1,
  /** The input was refused before anything changed: a field, file or flag is wrong (400). */
  invalid: 2,
  /** What the command names does not exist (404). */
  notFound: 3,
  /** It exists but conflicts: taken, in use, incompatible, in the wrong state, or ambiguous (409). */
  conflict: 4,
  /** No valid credential, or the role may not do it (401, 403). */
  notAllowed: 5,
} as const;

export function computeExitCode(error: unknown): number {
  if (!isAppError(error)) return EXIT_CODES.failure;
  if (error.status === 400) return EXIT_CODES.invalid;
  if (error.status === 404) return EXIT_CODES.notFound;
  if (error.status === 409) return EXIT_CODES.conflict;
  if (error.status === 401 || error.status === 403) return EXIT_CODES.notAllowed;
  return EXIT_CODES.failure;
}
