import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { checkSources, parseSignatures } from './signatures.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const base = { signaturesFile: 'SPECS/k3s/k3s.signatures.json', specFile: 'SPECS/k3s/k3s.spec', sourcesDir: 'sources' };

describe('signatures files', () => {
  it('reads file name → sha256 in order', () => {
    expect(parseSignatures({ Signatures: { k3s: A, 'install.sh': B } }, 'f')).toEqual({ k3s: A, 'install.sh': B });
  });

  it('rejects a value that is not a sha256, naming the entry', () => {
    expect(expectAppError(() => parseSignatures({ Signatures: { k3s: 'abc' } }, 'f'))).toMatchObject({
      code: 'InvalidField',
      field: 'Signatures/k3s',
    });
    expect(expectAppError(() => parseSignatures({ Sigs: {} }, 'f'))).toMatchObject({ field: 'Signatures' });
  });
});

describe('checking sources', () => {
  it('passes when every source has its recorded sha256', () => {
    expect(() => checkSources({ ...base, signatures: { k3s: A }, specSources: ['k3s'], actual: { k3s: A } })).not.toThrow();
  });

  it('names the file, the expected and the actual sha256 on a mismatch', () => {
    const error = expectAppError(() => checkSources({ ...base, signatures: { k3s: A }, specSources: ['k3s'], actual: { k3s: B } }));
    expect(error.code).toBe('SourceChecksumMismatch');
    expect(error.field).toBe('sources/k3s');
    expect(error.detail).toBe(
      `source k3s in sources has sha256 ${B}, expected ${A} (from SPECS/k3s/k3s.signatures.json); nothing was built`,
    );
  });

  it('names a missing source', () => {
    const error = expectAppError(() => checkSources({ ...base, signatures: { k3s: A }, specSources: ['k3s'], actual: { k3s: null } }));
    expect(error).toMatchObject({ code: 'InvalidField', field: 'sources/k3s' });
    expect(error.detail).toContain('source k3s is missing from sources');
  });

  it('refuses a SPEC source that has no signature', () => {
    const error = expectAppError(() =>
      checkSources({ ...base, signatures: { k3s: A }, specSources: ['k3s', 'install.sh'], actual: { k3s: A } }),
    );
    expect(error.detail).toContain('names source install.sh, but SPECS/k3s/k3s.signatures.json has no sha256 for it');
  });
});
