import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../test/support/expect-app-error.ts';
import { ROLES, computeHostChangePermissions, isAllowed, isRole, requireHostChangeAllowed, type Permission, type Role } from './roles.ts';

const PERMISSIONS: Permission[] = ['read', 'hosts:write', 'clusters:write', 'admin'];

describe('roles', () => {
  it('knows the four roles of the proposal', () => {
    expect(ROLES).toEqual(['admin', 'onboarding-manager', 'edge-operator', 'viewer']);
  });

  it.each<[Role, Permission[]]>([
    ['admin', ['read', 'hosts:write', 'clusters:write', 'admin']],
    ['onboarding-manager', ['read', 'hosts:write']],
    ['edge-operator', ['read', 'clusters:write']],
    ['viewer', ['read']],
  ])('grants %s exactly %j', (role, granted) => {
    expect(PERMISSIONS.filter((p) => isAllowed(role, p))).toEqual(granted);
  });

  it('lets every role read', () => {
    expect(ROLES.every((role) => isAllowed(role, 'read'))).toBe(true);
  });

  it('keeps host writes from the edge operator and cluster writes from the onboarding manager', () => {
    expect(isAllowed('edge-operator', 'hosts:write')).toBe(false);
    expect(isAllowed('onboarding-manager', 'clusters:write')).toBe(false);
  });

  it('gives admin permission only to admin', () => {
    expect(ROLES.filter((role) => isAllowed(role, 'admin'))).toEqual(['admin']);
  });

  it('recognizes role names and rejects anything else', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of ['Admin', 'operator', '', 'viewer ', null, undefined, 1, ['viewer']]) expect(isRole(value)).toBe(false);
  });
});

describe('changes of a host', () => {
  it('asks clusters:write as well for changes that alter a cluster node, and only hosts:write otherwise', () => {
    expect(computeHostChangePermissions('deauthorize', true)).toEqual(['hosts:write', 'clusters:write']);
    expect(computeHostChangePermissions('rename', true)).toEqual(['hosts:write', 'clusters:write']);
    expect(computeHostChangePermissions('reset-credential', true)).toEqual(['hosts:write', 'clusters:write']);
    expect(computeHostChangePermissions('change-os-profile', true)).toEqual(['hosts:write', 'clusters:write']);
    expect(computeHostChangePermissions('change-os-profile', false)).toEqual(['hosts:write']);
    expect(computeHostChangePermissions('update-labels', true)).toEqual(['hosts:write']);
    expect(computeHostChangePermissions('deauthorize', false)).toEqual(['hosts:write']);
  });

  it("names the cluster when an onboarding manager's change would alter it", () => {
    expectAppError(() => requireHostChangeAllowed('onboarding-manager', 'rename', { host: 'edge-1', cluster: 'prod' }), {
      code: 'Forbidden',
      reason: 'ClusterNodeChange',
      detail:
        'host edge-1 is a node of cluster prod: to rename it role onboarding-manager needs clusters:write as well, since it changes the cluster',
    });
    expect(() => requireHostChangeAllowed('admin', 'rename', { host: 'edge-1', cluster: 'prod' })).not.toThrow();
    expect(() => requireHostChangeAllowed('onboarding-manager', 'rename', { host: 'edge-1', cluster: null })).not.toThrow();
  });
});
