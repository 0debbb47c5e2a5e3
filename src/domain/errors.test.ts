import { describe, expect, it } from 'vitest';
import {
  AppError,
  errorCatalog,
  invalidField,
  invalidFields,
  isAppError,
  notFound,
  problemType,
  requireParsed,
  type ErrorCode,
} from './errors.ts';
import { parsedProblems, parsedValue } from './problem.ts';
import { reasonCodes } from './reasons.ts';

const CODES = Object.keys(errorCatalog) as ErrorCode[];

describe('error catalog', () => {
  it('gives every code a PascalCase name, an HTTP error status and a title', () => {
    for (const code of CODES) {
      const { status, title } = errorCatalog[code];
      expect(code, code).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(title.length, code).toBeGreaterThan(0);
    }
  });

  it('maps the core codes to their statuses', () => {
    expect(errorCatalog.InvalidField.status).toBe(400);
    expect(errorCatalog.MalformedDocument.status).toBe(400);
    expect(errorCatalog.Unauthenticated.status).toBe(401);
    expect(errorCatalog.Forbidden.status).toBe(403);
    expect(errorCatalog.NotFound.status).toBe(404);
    expect(errorCatalog.AlreadyExists.status).toBe(409);
    expect(errorCatalog.InUse.status).toBe(409);
    expect(errorCatalog.Incompatible.status).toBe(409);
    expect(errorCatalog.Internal.status).toBe(500);
  });

  it('gives each code a stable problem type URI under edge-orch.dev/problems', () => {
    expect(problemType('Incompatible')).toBe('https://edge-orch.dev/problems/Incompatible');
    expect(new Set(CODES.map(problemType)).size).toBe(CODES.length);
  });
});

describe('AppError', () => {
  it('takes its status from the catalog and keeps detail, field, reason and cause', () => {
    const cause = new Error('driver text');
    const error = new AppError('Incompatible', 'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1', {
      field: 'template',
      reason: 'K3sVersionMismatch',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'AppError',
      code: 'Incompatible',
      status: 409,
      message: 'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1',
      detail: 'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1',
      field: 'template',
      reason: 'K3sVersionMismatch',
      cause,
    });
  });

  it('renders an RFC 9457 problem document with type, title, status, detail, code and the optional members', () => {
    const error = new AppError('Incompatible', 'not compatible', {
      field: 'template',
      reason: 'K3sVersionMismatch',
      extra: { details: { embeddedVersion: 'v1.32.4+k3s1' } },
    });
    expect(error.toProblem('/api/v1/projects/p/clusters')).toEqual({
      type: 'https://edge-orch.dev/problems/Incompatible',
      title: 'Template is not compatible with the OS profile',
      status: 409,
      detail: 'not compatible',
      code: 'Incompatible',
      instance: '/api/v1/projects/p/clusters',
      field: 'template',
      reason: 'K3sVersionMismatch',
      details: { embeddedVersion: 'v1.32.4+k3s1' },
    });
  });

  it('leaves absent optional members out of the problem document', () => {
    expect(new AppError('Internal', 'internal error').toProblem()).toEqual({
      type: 'https://edge-orch.dev/problems/Internal',
      title: 'Internal error',
      status: 500,
      detail: 'internal error',
      code: 'Internal',
    });
  });

  it('never puts the cause into the problem document', () => {
    const problem = new AppError('AlreadyExists', 'host exists', {
      cause: new Error('UNIQUE constraint failed: hosts.serial'),
    }).toProblem();
    expect(JSON.stringify(problem)).not.toContain('UNIQUE');
  });

  it('is recognized by isAppError, and plain errors are not', () => {
    expect(isAppError(new AppError('NotFound', 'x'))).toBe(true);
    expect(isAppError(new Error('x'))).toBe(false);
    expect(isAppError({ code: 'NotFound', status: 404 })).toBe(false);
  });
});

describe('error helpers', () => {
  it('invalidField builds an InvalidField error naming the field, with an optional reason', () => {
    expect(invalidField('hosts/3/uuid', 'hosts/3/uuid "x" is not a UUID')).toMatchObject({
      code: 'InvalidField',
      status: 400,
      field: 'hosts/3/uuid',
      detail: 'hosts/3/uuid "x" is not a UUID',
      reason: undefined,
    });
    expect(invalidField('template', 'bad', 'K3sVersionMismatch').reason).toBe('K3sVersionMismatch');
  });

  it('notFound names the kind and id in the detail and in the problem document', () => {
    expect(notFound('host', 'edge-1').toProblem()).toEqual({
      type: 'https://edge-orch.dev/problems/NotFound',
      title: 'Resource not found',
      status: 404,
      detail: 'host "edge-1" not found',
      code: 'NotFound',
      resource: 'host',
      id: 'edge-1',
    });
  });
});

describe('problems as one InvalidField', () => {
  it('names the first problem, counts the others and lists each with every member it carries', () => {
    const error = invalidFields([
      { field: 'hosts/3/uuid', message: 'hosts/3/uuid "x" is not a UUID', host: 3 },
      { field: 'hosts/4/serial', message: 'hosts/4/serial "y!" is not valid', host: 4 },
      { field: 'hosts/7', message: 'hosts/7 must be an object', host: 7 },
    ]);
    expect(error.toProblem()).toEqual({
      type: problemType('InvalidField'),
      title: errorCatalog.InvalidField.title,
      status: 400,
      code: 'InvalidField',
      field: 'hosts/3/uuid',
      detail: 'hosts/3/uuid "x" is not a UUID (and 2 more problems)',
      errors: [
        { field: 'hosts/3/uuid', message: 'hosts/3/uuid "x" is not a UUID', host: 3 },
        { field: 'hosts/4/serial', message: 'hosts/4/serial "y!" is not valid', host: 4 },
        { field: 'hosts/7', message: 'hosts/7 must be an object', host: 7 },
      ],
    });
  });

  it('lists at most 100 problems but counts them all', () => {
    const problems = Array.from({ length: 150 }, (_, i) => ({ field: `hosts/${i}`, message: `hosts/${i} is bad` }));
    const error = invalidFields(problems);
    expect(error.detail).toBe('hosts/0 is bad (and 149 more problems)');
    expect(error.extra?.['errors']).toHaveLength(100);
  });

  it('gives the value of a parse, or throws its first problem as InvalidField', () => {
    expect(requireParsed(parsedValue(7))).toBe(7);
    const error = (() => {
      try {
        return requireParsed(parsedProblems({ field: 'labels/a b', message: 'label key "a b" is not valid' }));
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'InvalidField', field: 'labels/a b', detail: 'label key "a b" is not valid' });
  });
});

describe('reason codes', () => {
  it('maps every reason code to itself, in PascalCase', () => {
    for (const [key, value] of Object.entries(reasonCodes)) {
      expect(value).toBe(key);
      expect(key).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    }
  });

  it('includes the compatibility reasons', () => {
    expect(reasonCodes).toMatchObject({ K3sVersionMismatch: 'K3sVersionMismatch', AirGappedOverridden: 'AirGappedOverridden' });
  });
});
