/**
 * The EMF bulk-import CSV's header (orch-cli's internal/files HEADER), in its order: the file users register
 * hosts with, which the CLI reads and the CLI and web UI write back with the failed rows.
 */
export const HOST_CSV_COLUMNS = [
  'Serial',
  'UUID',
  'OSProfile',
  'Site',
  'Secure',
  'RemoteUser',
  'Metadata',
  'LVMSize',
  'CloudInitMeta',
  'K8sEnable',
  'K8sClusterTemplate',
  'K8sConfig',
  'Error - do not fill',
] as const;
export type HostCsvColumn = (typeof HOST_CSV_COLUMNS)[number];

/** The last column: the failed-rows file writes the failing step and its reason there; a user never fills it. */
export const ERROR_COLUMN: HostCsvColumn = 'Error - do not fill';
