import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../test/support/expect-app-error.ts';
import { readExpiryFlags } from './expiry-flags.ts';

const NOW = new Date('2030-01-01T00:00:00.000Z');

describe('readExpiryFlags', () => {
  it('turns a duration into an expiry from now, and passes a time through', () => {
    expect(readExpiryFlags({ expiresIn: '90m' }, NOW)).toEqual({ expiresAt: '2030-01-01T01:30:00.000Z' });
    expect(readExpiryFlags({ expiresIn: '30d' }, NOW)).toEqual({ expiresAt: '2030-01-31T00:00:00.000Z' });
    expect(readExpiryFlags({ expiresAt: '2031-01-01T00:00:00Z' }, NOW)).toEqual({ expiresAt: '2031-01-01T00:00:00Z' });
    expect(readExpiryFlags({}, NOW)).toEqual({});
  });

  it('names the flag of a duration it cannot read, and refuses both flags at once', () => {
    expectAppError(() => readExpiryFlags({ expiresIn: '1 week' }, NOW), { code: 'InvalidField', field: '--expires-in' });
    expectAppError(() => readExpiryFlags({ expiresIn: '0d' }, NOW), { field: '--expires-in' });
    expectAppError(() => readExpiryFlags({ expiresIn: '1d', expiresAt: '2031-01-01T00:00:00Z' }, NOW), { field: '--expires-in' });
  });
});
