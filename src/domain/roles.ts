/**
 * Roles, after the proposal's users. Each API route declares the least role it needs (see api/routes).
 */
import { AppError } from './errors.ts';
import { reasonCodes } from './reasons.ts';
export type Role = 'admin' | 'onboarding-manager' | 'edge-operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'onboarding-manager', 'edge-operator', 'viewer'];

/** What a route needs: read (any role), hosts (onboarding), clusters (operations), or admin. */
export type Permission = 'read' | 'hosts:write' | 'clusters:write' | 'admin';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'hosts:write', 'clusters:write', 'admin'],
  'onboarding-manager': ['read', 'hosts:write'],
  'edge-operator': ['read', 'clusters:write'],
  viewer: ['read'],
};

export function isAllowed(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * What may be done to a host, as far as roles go. Changes that alter or remove a cluster when the host is one of
 * its nodes (deauthorizing it, renaming it, which changes its install plan, or resetting its credential, which
 * lets a new machine receive the node's join token, or moving its instance to another OS profile version, which
 * changes the K3s it runs) need clusters:write on top of hosts:write; so an onboarding
 * manager manages hosts but cannot break the clusters edge operators run on them.
 */
export type HostChange =
  'update-labels' | 'rename' | 'deauthorize' | 'reset-credential' | 'approve' | 'reject' | 'delete' | 'change-os-profile';

const CLUSTER_NODE_CHANGES: readonly HostChange[] = ['rename', 'deauthorize', 'reset-credential', 'change-os-profile'];

/** The permissions a change of a host needs; `clusterNode`: the host is a node of a cluster that is not deleted. */
export function computeHostChangePermissions(change: HostChange, clusterNode: boolean): Permission[] {
  return clusterNode && CLUSTER_NODE_CHANGES.includes(change) ? ['hosts:write', 'clusters:write'] : ['hosts:write'];
}

/** Throws Forbidden (reason ClusterNodeChange) when `role` may not make `change` to host `host`, a node of `cluster` (or null). */
export function requireHostChangeAllowed(
  role: Role,
  change: HostChange,
  { host, cluster }: { host: string; cluster: string | null },
): void {
  const missing = computeHostChangePermissions(change, cluster !== null).find((permission) => !isAllowed(role, permission));
  if (missing === undefined) return;
  const detail =
    cluster === null
      ? `role ${role} may not ${change} host ${host} (needs ${missing})`
      : `host ${host} is a node of cluster ${cluster}: to ${change} it role ${role} needs ${missing} as well, since it changes the cluster`;
  throw new AppError('Forbidden', detail, { reason: cluster === null ? reasonCodes.RoleNotAllowed : reasonCodes.ClusterNodeChange });
}
