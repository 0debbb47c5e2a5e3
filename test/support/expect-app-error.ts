/**
 * expectAppError: asserts that a call throws (or a promise rejects with) an AppError whose members match
 * `expected`, and returns the error for further assertions. A function that throws synchronously is checked at
 * once; a promise, or a function returning one, gives a promise.
 */
import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../src/domain/errors.ts';

/** Members to match (vitest's toMatchObject: asymmetric matchers such as expect.stringContaining work). */
export interface ExpectedAppError {
  code?: ErrorCode;
  status?: number;
  field?: unknown;
  reason?: unknown;
  detail?: unknown;
  extra?: unknown;
}

export function expectAppError(run: Promise<unknown> | (() => Promise<unknown>), expected?: ExpectedAppError): Promise<AppError>;
export function expectAppError(run: () => unknown, expected?: ExpectedAppError): AppError;
export function expectAppError(run: Promise<unknown> | (() => unknown), expected: ExpectedAppError = {}): AppError | Promise<AppError> {
  if (typeof run !== 'function') return settle(run, expected);
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    return check(error, expected);
  }
  if (result instanceof Promise) return settle(result, expected);
  throw new Error(`expected an AppError, but the call returned ${JSON.stringify(result)?.slice(0, 200)}`);
}

async function settle(promise: Promise<unknown>, expected: ExpectedAppError): Promise<AppError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return check(error, expected);
  }
  throw new Error(`expected an AppError, but the promise resolved to ${JSON.stringify(value)?.slice(0, 200)}`);
}

function check(error: unknown, expected: ExpectedAppError): AppError {
  // A foreign error is rethrown whole, so the test reports its own message and stack.
  if (!(error instanceof AppError)) throw error;
  expect(error).toMatchObject(expected);
  return error;
}
