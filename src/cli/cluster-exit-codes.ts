/**
 * Exit codes of `edge-orch cluster …`, for scripts: what went wrong, not only that something did. Listed in the
 * command's --help and the CLI README; never renumbered.
 */
import { isAppError } from '../domain/errors.ts';

export const CLUSTER_EXIT_CODES = {
  /** Done: the request succeeded; with --watch, the cluster reached ready (or, being deleted, is gone). */
  ok: 0,
  /** Any other failure: the server is unreachable, the input is invalid, the credential is refused. */
  failed: 1,
  /** The cluster, host, template or OS profile named does not exist. */
  notFound: 3,
  /** Refused as it stands: an incompatible or taken host, a name in use, a state that does not allow it (409). */
  refused: 4,
  /** With --watch: the cluster reached failed. */
  clusterFailed: 5,
  /** With --watch: interrupted (Ctrl-C) before a terminal phase. */
  interrupted: 130,
} as const;

export const CLUSTER_EXIT_HELP = `
Exit codes:
  0    done (with --watch: the cluster is ready, or deleted)
  1    failed (server unreachable, invalid input, credential refused)
  3    not found (cluster, host, template or OS profile)
  4    refused: incompatible or taken host, name in use, or a state that does not allow it (HTTP 409)
  5    with --watch: the cluster reached failed
  130  with --watch: interrupted (Ctrl-C)`;

/** The exit code of a failed cluster command. */
export function computeClusterExitCode(error: unknown): number {
  if (!isAppError(error)) return CLUSTER_EXIT_CODES.failed;
  if (error.status === 404) return CLUSTER_EXIT_CODES.notFound;
  if (error.status === 409) return CLUSTER_EXIT_CODES.refused;
  return CLUSTER_EXIT_CODES.failed;
}
