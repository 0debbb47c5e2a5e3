import { describe, expect, it } from 'vitest';
import { ROLES, isAllowed, isRole, type Permission, type Role } from './roles.ts';

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
