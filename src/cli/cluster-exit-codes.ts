/**
 * Exit codes of `edge-orch cluster …`: those of every command (exit-code.ts) plus what --watch ends with. Listed in
 * the command's --help and docs/cli-exit-codes.md; never renumbered.
 */
import { EXIT_CODES } from './exit-code.ts';

export const CLUSTER_EXIT_CODES = {
  ...EXIT_CODES,
  /** With --watch: the cluster reached failed. */
  clusterFailed: 6,
  /** With --watch: interrupted (Ctrl-C) before a terminal phase. */
  interrupted: 130,
} as const;

export const CLUSTER_EXIT_HELP = `
Exit codes:
  0    done (with --watch: the cluster is ready, or deleted)
  1    failed (server unreachable or failing)
  2    invalid input (a field, file or flag value)
  3    not found (cluster, host, template or OS profile)
  4    refused: incompatible or taken host, name in use, or a state that does not allow it (HTTP 409)
  5    no valid credential, or the role may not do it
  6    with --watch: the cluster reached failed
  130  with --watch: interrupted (Ctrl-C)`;
