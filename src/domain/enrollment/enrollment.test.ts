import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import type { HostState } from '../inventory/host.ts';
import { computeEnrollmentDecision, computeTokenRefusal, matchesIdentity, parseExpiresAt } from './enrollment.ts';

const NOW = new Date('2030-06-01T00:00:00.000Z');
const UUID = '00000000-0000-4000-8000-000000000001';

describe('computeTokenRefusal', () => {
  it('lets a token work until its expiry and while it has uses left', () => {
    expect(computeTokenRefusal({ name: 't', expiresAt: null, maxUses: null, uses: 99 }, NOW)).toBeNull();
    expect(computeTokenRefusal({ name: 't', expiresAt: '2030-06-01T00:00:01.000Z', maxUses: 2, uses: 1 }, NOW)).toBeNull();
  });

  it('refuses an expired token and a used-up one with their reasons', () => {
    expect(computeTokenRefusal({ name: 't', expiresAt: NOW.toISOString(), maxUses: null, uses: 0 }, NOW)).toMatchObject({
      code: 'Unauthenticated',
      reason: 'EnrollmentTokenExpired',
    });
    expect(computeTokenRefusal({ name: 't', expiresAt: null, maxUses: 2, uses: 2 }, NOW)).toMatchObject({
      code: 'Unauthenticated',
      reason: 'EnrollmentTokenUsedUp',
    });
  });
});

describe('matchesIdentity', () => {
  it.each([
    [{ uuid: UUID, serial: 'S1' }, { uuid: UUID, serial: 'S1' }, true],
    [{ uuid: UUID, serial: 'S1' }, { uuid: UUID, serial: null }, false],
    [{ uuid: UUID, serial: 'S1' }, { uuid: null, serial: 'S1' }, false],
    [{ uuid: UUID, serial: 'S1' }, { uuid: UUID, serial: 'S2' }, false],
    [{ uuid: null, serial: 'S1' }, { uuid: UUID, serial: 'S1' }, true],
    [{ uuid: UUID, serial: null }, { uuid: UUID, serial: 'ANY' }, true],
  ])('host %j, agent %j: %s', (host, identity, expected) => {
    expect(matchesIdentity(host, identity)).toBe(expected);
  });
});

describe('computeEnrollmentDecision', () => {
  const decide = (state: HostState, { hasCredential = false, autoOnboard = true } = {}) =>
    computeEnrollmentDecision({ host: { name: 'edge-1', state }, hasCredential, autoOnboard });

  it('gives a credential to a registered, an approved and a reset host', () => {
    for (const state of ['registered', 'approved', 'in-cluster'] as const) expect(decide(state)).toEqual({ kind: 'issue-credential' });
  });

  it('never enrolls a host that holds a credential, whatever its state', () => {
    for (const state of ['onboarded', 'in-cluster', 'registered'] as const)
      expectAppError(() => decide(state, { hasCredential: true }), { code: 'InvalidState', reason: 'HostAlreadyEnrolled' });
  });

  it('lets a host wait for approval when it does not onboard automatically, and keeps it waiting', () => {
    expect(decide('registered', { autoOnboard: false })).toEqual({ kind: 'await-approval' });
    expect(decide('awaiting-approval')).toEqual({ kind: 'await-approval' });
    expect(decide('approved', { autoOnboard: false })).toEqual({ kind: 'issue-credential' });
  });

  it('refuses a deauthorized host', () => {
    expectAppError(() => decide('deauthorized'), { code: 'Forbidden', detail: 'host edge-1 is deauthorized and may not enroll' });
  });
});

describe('parseExpiresAt', () => {
  it('normalizes a future ISO time and leaves a missing one null', () => {
    expect(parseExpiresAt('2030-06-02T02:00:00+02:00', NOW)).toBe('2030-06-02T00:00:00.000Z');
    expect(parseExpiresAt(undefined, NOW)).toBeNull();
  });

  it.each([['2030-06-01'], ['2030-05-31T00:00:00Z'], ['2045-01-01T00:00:00Z'], ['next week']])('refuses %s, naming the field', (value) => {
    expectAppError(() => parseExpiresAt(value, NOW), { code: 'InvalidField', field: 'expiresAt' });
  });
});
