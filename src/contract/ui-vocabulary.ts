/**
 * The domain's closed lists and role grants, for clients that filter, count or enable by them (the web UI).
 * Values and pure checks only, no schemas: importing this costs a browser bundle a few hundred bytes.
 */
export { isAllowed, ROLES, type Permission, type Role } from '../domain/roles.ts';
export { HOST_STATES } from '../domain/inventory/host.ts';
export { CLUSTER_PHASES, NODE_ROLES } from '../domain/inventory/cluster.ts';
export { checkClusterNodes } from '../domain/inventory/cluster-topology.ts';
export { compareKubernetesVersions, tryParseKubernetesVersion } from '../domain/compatibility/k8s-version.ts';
export { STEP_NAMES } from '../domain/registration/registration-steps.ts';
export { ERROR_COLUMN, HOST_CSV_COLUMNS } from '../domain/registration/host-csv-columns.ts';
