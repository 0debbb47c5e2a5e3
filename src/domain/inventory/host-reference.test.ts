import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import type { Host } from './host.ts';
import { computeHostReferenceForms, pickReferencedHost } from './host-reference.ts';

const host = (id: string, name: string): Host => ({
  id,
  project: 'p',
  name,
  uuid: null,
  serial: null,
  site: null,
  labels: {},
  state: 'registered',
  autoOnboard: null,
  createdAt: '',
  updatedAt: '',
});
const A = host('h-a', 'edge-7');
const B = host('h-b', 'store-7');

describe('computeHostReferenceForms', () => {
  it('reads a uuid in any case as the lower-case uuid hosts store, and also as a serial', () => {
    expect(computeHostReferenceForms('4C4C4544-0000-1111-2222-333344445555')).toEqual({
      uuid: '4c4c4544-0000-1111-2222-333344445555',
      serial: '4C4C4544-0000-1111-2222-333344445555',
    });
  });

  it('reads a serial as no uuid, and text that is neither as nothing', () => {
    expect(computeHostReferenceForms('SN-100')).toEqual({ uuid: null, serial: 'SN-100' });
    expect(computeHostReferenceForms('not a serial!')).toEqual({ uuid: null, serial: null });
  });
});

describe('pickReferencedHost', () => {
  it('picks the one host matched, also when it matches in several ways', () => {
    expect(pickReferencedHost('edge-7', [{ host: A, matchedBy: 'name' }])).toBe(A);
    expect(
      pickReferencedHost('edge-7', [
        { host: A, matchedBy: 'name' },
        { host: A, matchedBy: 'serial' },
      ]),
    ).toBe(A);
  });

  it('answers NotFound naming the text when nothing matches', () => {
    expectAppError(() => pickReferencedHost('SN-9', []), { code: 'NotFound', detail: 'host "SN-9" not found' });
  });

  it('answers AmbiguousReference naming every host and how it matched', () => {
    expectAppError(
      () =>
        pickReferencedHost('edge-7', [
          { host: A, matchedBy: 'name' },
          { host: B, matchedBy: 'serial' },
        ]),
      {
        code: 'AmbiguousReference',
        detail: '"edge-7" matches 2 hosts: the name of host edge-7 (h-a) and the serial of host store-7 (h-b); name the host by its id',
      },
    );
  });
});
