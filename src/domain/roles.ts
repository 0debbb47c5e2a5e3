/**
 * Roles, after the proposal's users. Each API route declares the least role it needs (see api/routes).
 */
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
