import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { DNS_LABEL } from '../fields.ts';
import { checkHostRegistration, deriveHostName, parseHostRegistration, parseHostUpdate } from './host.ts';

const UUID = '4c4c4544-0051-3010-8057-b4c04f4e4d32';

describe('checkHostRegistration', () => {
  it('returns the registration as a value', () => {
    expect(checkHostRegistration({ serial: 'SN1' })).toEqual({
      ok: true,
      value: { name: 'host-sn1', uuid: null, serial: 'SN1', site: null, labels: {} },
    });
  });

  it('returns the first problem with its field as data instead of throwing', () => {
    expect(checkHostRegistration({ serial: 'SN1', site: 'plant#7', labels: { 'bad key': 'x' } }, 'hosts/3/')).toEqual({
      ok: false,
      problems: [
        {
          field: 'hosts/3/site',
          message: 'hosts/3/site "plant#7" is not valid; expected letters, digits, spaces, ".", "_", "-", at most 63 characters',
        },
      ],
    });
    expect(checkHostRegistration({ serial: 'SN1', labels: { 'bad key': 'x' } }, 'hosts/3/')).toMatchObject({
      ok: false,
      problems: [{ field: 'hosts/3/labels/bad key' }],
    });
  });
});

describe('parseHostRegistration', () => {
  it('reads a full registration', () => {
    expect(
      parseHostRegistration({
        name: 'edge-1',
        uuid: UUID,
        serial: 'SN-1',
        site: 'Plant 7',
        labels: { 'example.com/zone': 'a', rack: '12' },
      }),
    ).toEqual({
      name: 'edge-1',
      uuid: UUID,
      serial: 'SN-1',
      site: 'Plant 7',
      labels: { 'example.com/zone': 'a', rack: '12' },
    });
  });

  it('normalizes the uuid to lowercase', () => {
    expect(parseHostRegistration({ uuid: UUID.toUpperCase() }).uuid).toBe(UUID);
  });

  it('accepts a serial alone, keeping its case', () => {
    expect(parseHostRegistration({ serial: 'J1XK9Z2' })).toMatchObject({ uuid: null, serial: 'J1XK9Z2' });
  });

  it('treats empty strings and null as absent', () => {
    expect(parseHostRegistration({ uuid: '', serial: 'SN1', name: null, site: '', labels: null })).toEqual({
      name: 'host-sn1',
      uuid: null,
      serial: 'SN1',
      site: null,
      labels: {},
    });
  });

  it('derives the name from the serial when none is given', () => {
    expect(parseHostRegistration({ serial: 'SN_001.A', uuid: UUID }).name).toBe('host-sn-001-a');
  });

  it('derives the name from the whole uuid, lowercased, when there is no serial', () => {
    expect(parseHostRegistration({ uuid: UUID.toUpperCase() }).name).toBe(`host-${UUID}`);
  });

  it('requires a uuid or a serial, naming uuid and saying that both are empty', () => {
    const error = expectAppError(() => parseHostRegistration({ name: 'edge-1' }));
    expect(error.code).toBe('InvalidField');
    expect(error.field).toBe('uuid');
    expect(error.detail).toBe('a host needs a uuid or a serial (or both); uuid and serial are both empty');
  });

  it.each([
    ['not-a-uuid'],
    ['4c4c4544-0051-3010-8057-b4c04f4e4d3'],
    ['4c4c4544005130108057b4c04f4e4d32'],
    ['{4c4c4544-0051-3010-8057-b4c04f4e4d32}'],
    ['zc4c4544-0051-3010-8057-b4c04f4e4d32'],
  ])('rejects the uuid %j, showing it as given and the expected form', (uuid) => {
    const error = expectAppError(() => parseHostRegistration({ uuid }, '/hosts/3/'));
    expect(error.field).toBe('/hosts/3/uuid');
    expect(error.detail).toBe(`/hosts/3/uuid ${JSON.stringify(uuid)} is not a UUID; expected 8-4-4-4-12 hex digits`);
  });

  it('rejects a uuid that is not a string', () => {
    const error = expectAppError(() => parseHostRegistration({ uuid: 42 }));
    expect(error.field).toBe('uuid');
    expect(error.detail).toBe('uuid must be a non-empty string, got number 42');
  });

  it.each([['has space'], ['-leading-dash'], ['S'.repeat(65)], ['sn/1']])(
    'rejects the serial %j, naming serial and the allowed characters',
    (serial) => {
      const error = expectAppError(() => parseHostRegistration({ serial }, '/hosts/3/'));
      expect(error.field).toBe('/hosts/3/serial');
      expect(error.detail).toBe(
        `/hosts/3/serial ${JSON.stringify(serial)} is not valid; expected letters, digits, ".", "_", "-", at most 64 characters`,
      );
    },
  );

  it('rejects a serial that is not a string', () => {
    const error = expectAppError(() => parseHostRegistration({ serial: 123456 }));
    expect(error.field).toBe('serial');
    expect(error.detail).toBe(
      'serial must be a non-empty string (letters, digits, ".", "_", "-", at most 64 characters), got number 123456',
    );
  });

  it.each([['Edge-1'], ['edge_1'], ['-edge'], ['edge-'], ['edge.1'], ['e'.repeat(64)]])(
    'rejects the name %j, naming name and the DNS-label form',
    (name) => {
      const error = expectAppError(() => parseHostRegistration({ serial: 'SN1', name }, '/hosts/3/'));
      expect(error.field).toBe('/hosts/3/name');
      expect(error.detail).toBe(
        `/hosts/3/name ${JSON.stringify(name)} is not valid; expected a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters`,
      );
    },
  );

  it('rejects a site with characters outside the allowed set', () => {
    const error = expectAppError(() => parseHostRegistration({ serial: 'SN1', site: 'plant#7' }));
    expect(error.field).toBe('site');
    expect(error.detail).toBe('site "plant#7" is not valid; expected letters, digits, spaces, ".", "_", "-", at most 63 characters');
  });

  it('rejects labels that are not an object, naming labels', () => {
    const error = expectAppError(() => parseHostRegistration({ serial: 'SN1', labels: ['a=b'] }, '/hosts/3/'));
    expect(error.field).toBe('/hosts/3/labels');
    expect(error.detail).toBe('/hosts/3/labels must be an object of string labels, got a list');
  });

  it('rejects a bad label key, naming the label', () => {
    const error = expectAppError(() => parseHostRegistration({ serial: 'SN1', labels: { 'bad key': 'x' } }, '/hosts/3/'));
    expect(error.field).toBe('/hosts/3/labels/bad key');
    expect(error.detail).toMatch(/^label key "bad key" is not valid; expected \[prefix\/\]name of letters, digits/);
  });

  it('rejects a label value that is not a short string, naming the label', () => {
    for (const value of [5, 'has space', 'v'.repeat(64)]) {
      const error = expectAppError(() => parseHostRegistration({ serial: 'SN1', labels: { zone: value } }));
      expect(error.field).toBe('labels/zone');
      expect(error.detail).toMatch(/^label "zone" has value .*; expected a string of at most 63 letters, digits/);
    }
  });

  it('rejects a value that is not an object, naming the row without a trailing slash', () => {
    const error = expectAppError(() => parseHostRegistration(null, '/hosts/3/'));
    expect(error.field).toBe('/hosts/3');
    expect(error.detail).toBe('a host must be an object with uuid and/or serial, got null');
    expect(expectAppError(() => parseHostRegistration('SN1')).field).toBe('/');
  });
});

describe('deriveHostName', () => {
  it.each([
    [{ uuid: null, serial: 'SN1' }, 'host-sn1'],
    [{ uuid: null, serial: 'ABC.' }, 'host-abc'],
    [{ uuid: null, serial: 'a__b..c' }, 'host-a-b-c'],
    [{ uuid: UUID, serial: null }, `host-${UUID}`],
    [{ uuid: null, serial: 'X'.repeat(64) }, `host-${'x'.repeat(58)}`],
  ])('derives %j → %s', (identity, name) => {
    expect(deriveHostName(identity)).toBe(name);
  });

  it('always derives a DNS label from any valid serial', () => {
    const serials = [
      'SN1',
      'a',
      'Z.',
      'A_B_C',
      'x-',
      '9...',
      `A${'.'.repeat(63)}`,
      `A${'_'.repeat(57)}B${'-'.repeat(5)}`,
      'S'.repeat(64),
      'Mixed.Case_Serial-001',
    ];
    for (const serial of serials) {
      const { name } = parseHostRegistration({ serial });
      expect(name, serial).toMatch(DNS_LABEL);
      expect(name.length, serial).toBeLessThanOrEqual(63);
    }
  });
});

describe('parseHostUpdate', () => {
  it('keeps only the fields given', () => {
    expect(parseHostUpdate({})).toEqual({});
    expect(parseHostUpdate({ labels: { rack: '12' } })).toEqual({ labels: { rack: '12' } });
  });

  it('reads a name, a site and labels as a registration does', () => {
    expect(parseHostUpdate({ name: 'edge-2', site: 'Plant 7', labels: { 'example.com/zone': 'b' } })).toEqual({
      name: 'edge-2',
      site: 'Plant 7',
      labels: { 'example.com/zone': 'b' },
    });
  });

  it('clears the site when it is empty or null, and the labels when they are null', () => {
    expect(parseHostUpdate({ site: '' })).toEqual({ site: null });
    expect(parseHostUpdate({ site: null, labels: null })).toEqual({ site: null, labels: {} });
  });

  it('refuses a name that is not a DNS label, naming the field', () => {
    const error = expectAppError(() => parseHostUpdate({ name: 'Edge_2' }));
    expect(error.field).toBe('name');
    expect(error.detail).toBe(
      'name "Edge_2" is not valid; expected a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    );
    expect(expectAppError(() => parseHostUpdate({ name: '' })).field).toBe('name');
  });

  it('refuses a malformed site or label, naming the field', () => {
    expect(expectAppError(() => parseHostUpdate({ site: '#7' })).field).toBe('site');
    expect(expectAppError(() => parseHostUpdate({ labels: { rack: 12 } })).field).toBe('labels/rack');
  });
});
