import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { parseEmtArch, toRpmArch } from './arch.ts';

describe('EMT architectures', () => {
  it('maps K3s architectures to RPM architectures', () => {
    expect(toRpmArch(parseEmtArch('amd64'))).toBe('x86_64');
    expect(toRpmArch(parseEmtArch('arm64'))).toBe('aarch64');
  });

  it('rejects an unknown architecture naming --arch and the accepted values', () => {
    const error = expectAppError(() => parseEmtArch('x86_64'), { code: 'InvalidField', field: '--arch' });
    expect(error.detail).toBe('--arch "x86_64" is not a supported architecture; expected one of amd64, arm64');
  });
});
