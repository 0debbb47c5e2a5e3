import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.ts';
import { computeExitCode } from './exit-code.ts';

describe('computeExitCode', () => {
  it.each([
    ['InvalidField', 2],
    ['MalformedDocument', 2],
    ['NotFound', 3],
    ['AlreadyExists', 4],
    ['AmbiguousReference', 4],
    ['UpgradeRefused', 4],
    ['InvalidState', 4],
    ['Unauthenticated', 5],
    ['Forbidden', 5],
    ['Internal', 1],
    ['TooManyRequests', 1],
  ] as const)('exits with the code of its class for %s: %i', (code, exit) => {
    expect(computeExitCode(new AppError(code, 'x'))).toBe(exit);
  });

  it('exits 1 for an error that is not catalogued', () => {
    expect(computeExitCode(new Error('boom'))).toBe(1);
  });
});
