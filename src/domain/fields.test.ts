import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { checkLabels, checkOptionalString, checkString, readLabels } from './fields.ts';

describe('checkString', () => {
  it('returns the value, or the problem naming the field and the value as given', () => {
    expect(checkString({ name: 'edge-1' }, 'name', 'hosts/0/')).toEqual({ ok: true, value: 'edge-1' });
    expect(checkString({ name: 7 }, 'name', 'hosts/0/', { expected: 'a DNS label' })).toEqual({
      ok: false,
      problems: [{ field: 'hosts/0/name', message: 'hosts/0/name must be a non-empty string (a DNS label), got number 7' }],
    });
    expect(checkString({ name: 'Edge 1' }, 'name', '', { pattern: /^[a-z0-9-]+$/, expected: 'a DNS label' })).toEqual({
      ok: false,
      problems: [{ field: 'name', message: 'name "Edge 1" is not valid; expected a DNS label' }],
    });
  });

  it('treats absent, null and empty optional strings as undefined', () => {
    for (const value of [undefined, null, ''])
      expect(checkOptionalString({ site: value }, 'site', '')).toEqual({ ok: true, value: undefined });
  });
});

describe('checkLabels', () => {
  it('names the label at fault in its field', () => {
    expect(checkLabels({ zone: 'a' }, 'labels')).toEqual({ ok: true, value: { zone: 'a' } });
    expect(checkLabels({ zone: 'a', 'bad key': 'x' }, 'hosts/2/cluster/labels')).toMatchObject({
      ok: false,
      problems: [{ field: 'hosts/2/cluster/labels/bad key', message: expect.stringMatching(/^label key "bad key" is not valid/) }],
    });
    expect(checkLabels(['a=b'], 'labels')).toEqual({
      ok: false,
      problems: [{ field: 'labels', message: 'labels must be an object of string labels, got a list' }],
    });
  });

  it('is thrown as InvalidField by readLabels', () => {
    expect(() => readLabels({ zone: 5 }, 'labels')).toThrow(AppError);
  });
});
