import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import {
  KUBERNETES_VERSION_FORM,
  compareKubernetesVersions,
  fromRpmVersion,
  parseKubernetesVersion,
  toRpmVersion,
  tryParseKubernetesVersion,
} from './k8s-version.ts';

const v = (text: string) => parseKubernetesVersion(text);

describe('parseKubernetesVersion', () => {
  it('parses a K3s version into numbers, flavor, build and the exact upstream string', () => {
    expect(v('v1.32.4+k3s1')).toEqual({ major: 1, minor: 32, patch: 4, flavor: 'k3s', build: 1, raw: 'v1.32.4+k3s1' });
  });

  it('parses an RKE2 version', () => {
    expect(v('v1.30.10+rke2r1')).toEqual({ major: 1, minor: 30, patch: 10, flavor: 'rke2', build: 1, raw: 'v1.30.10+rke2r1' });
  });

  it('accepts zero components and multi-digit builds', () => {
    expect(v('v0.0.0+k3s12')).toMatchObject({ major: 0, minor: 0, patch: 0, build: 12 });
  });

  it.each([
    ['1.32.4+k3s1', 'no leading v'],
    ['v1.32+k3s1', 'no patch number'],
    ['v1.32.4', 'no distribution suffix'],
    ['v1.32.4-k3s1', 'a "-" instead of "+"'],
    ['v01.2.3+k3s1', 'a leading zero'],
    ['v1.32.4+k3s0', 'build number zero'],
    ['v1.32.4+k3s', 'no build number'],
    ['v1.32.4+rke2r', 'no RKE2 build number'],
    ['v1.32.4+k3s1 ', 'trailing space'],
    ['v1.32.4+kubeadm1', 'an unknown distribution'],
    ['', 'an empty string'],
  ])('rejects %j (%s), naming the field and showing the expected form', (text) => {
    const error = expectAppError(() => parseKubernetesVersion(text));
    expect(error.code).toBe('InvalidField');
    expect(error.status).toBe(400);
    expect(error.field).toBe('kubernetesVersion');
    expect(error.detail).toBe(`kubernetesVersion ${JSON.stringify(text)} is not a Kubernetes version; expected ${KUBERNETES_VERSION_FORM}`);
    expect(error.detail).toContain('v<major>.<minor>.<patch>+k3s<N>');
    expect(error.detail).toContain('for example v1.32.4+k3s1');
  });

  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [1.32, 'number 1.32'],
    [{ version: 'v1.32.4+k3s1' }, 'an object'],
    [['v1.32.4+k3s1'], 'a list'],
  ])('rejects the non-string %j, saying what it got and what it expected', (value, got) => {
    const error = expectAppError(() => parseKubernetesVersion(value));
    expect(error.field).toBe('kubernetesVersion');
    expect(error.detail).toBe(`kubernetesVersion must be a string, got ${got}; expected ${KUBERNETES_VERSION_FORM}`);
  });

  it('names the field it was given in the error', () => {
    const error = expectAppError(() => parseKubernetesVersion('1.32.4', 'metadata/kubernetes-version'));
    expect(error.field).toBe('metadata/kubernetes-version');
    expect(error.detail).toMatch(/^metadata\/kubernetes-version "1\.32\.4" is not a Kubernetes version; expected v<major>/);
  });
});

describe('tryParseKubernetesVersion', () => {
  it('returns null instead of throwing for a malformed version', () => {
    expect(tryParseKubernetesVersion('v1.32.4')).toBeNull();
    expect(tryParseKubernetesVersion('v1.32.4+k3s1')?.raw).toBe('v1.32.4+k3s1');
  });
});

describe('compareKubernetesVersions', () => {
  const order = (a: string, b: string) => Math.sign(compareKubernetesVersions(v(a), v(b)));

  it('orders patch numbers numerically, not as text (v1.32.10 > v1.32.4)', () => {
    expect(order('v1.32.10+k3s1', 'v1.32.4+k3s1')).toBe(1);
    expect(order('v1.32.4+k3s1', 'v1.32.10+k3s1')).toBe(-1);
  });

  it('orders minor and major numbers numerically', () => {
    expect(order('v1.100.0+k3s1', 'v1.99.9+k3s1')).toBe(1);
    expect(order('v2.0.0+k3s1', 'v1.99.99+k3s9')).toBe(1);
  });

  it('orders by build number when the Kubernetes versions are equal (+k3s2 > +k3s1, +k3s10 > +k3s9)', () => {
    expect(order('v1.32.4+k3s2', 'v1.32.4+k3s1')).toBe(1);
    expect(order('v1.32.4+k3s10', 'v1.32.4+k3s9')).toBe(1);
  });

  it('finds a version equal to itself', () => {
    expect(order('v1.32.4+k3s1', 'v1.32.4+k3s1')).toBe(0);
  });

  it('sorts a list of versions into numeric order', () => {
    const sorted = ['v1.32.10+k3s1', 'v1.32.4+k3s2', 'v1.9.0+k3s1', 'v1.32.4+k3s1', 'v1.33.5+k3s1']
      .map(v)
      .sort(compareKubernetesVersions)
      .map((x) => x.raw);
    expect(sorted).toEqual(['v1.9.0+k3s1', 'v1.32.4+k3s1', 'v1.32.4+k3s2', 'v1.32.10+k3s1', 'v1.33.5+k3s1']);
  });

  it('puts k3s before rke2 for the same Kubernetes version, whatever the builds', () => {
    expect(order('v1.30.10+k3s9', 'v1.30.10+rke2r1')).toBe(-1);
    expect(order('v1.30.10+rke2r1', 'v1.30.10+k3s9')).toBe(1);
  });
});

describe('RPM version mapping', () => {
  it('maps the upstream version to the RPM version EMT writes (Version: %{_version}+k3s1)', () => {
    expect(toRpmVersion(v('v1.32.4+k3s1'))).toBe('1.32.4+k3s1');
    expect(toRpmVersion(v('v1.30.10+rke2r1'))).toBe('1.30.10+rke2r1');
  });

  it('reads the "_" form older packages carry as well', () => {
    expect(fromRpmVersion('1.32.4_k3s1')?.raw).toBe('v1.32.4+k3s1');
  });

  it.each(['v1.32.4+k3s1', 'v1.33.5+k3s1', 'v1.32.10+k3s12', 'v0.0.0+k3s1', 'v1.30.10+rke2r1', 'v1.31.2+rke2r3'])(
    'round-trips %s exactly through the RPM version',
    (text) => {
      const rpm = toRpmVersion(v(text));
      expect(fromRpmVersion(rpm)).toEqual(v(text));
      expect(fromRpmVersion(rpm)?.raw).toBe(text);
    },
  );

  it.each([
    ['1.32.4', 'a plain upstream RPM version'],
    ['1.32.4+k3s', 'no build number'],
    ['v1.32.4_k3s1', 'a leading v'],
    ['1.32.4_k3s1-1.emt3', 'a release glued on'],
    ['1.32.4_k3s0', 'build number zero'],
    ['01.32.4_k3s1', 'a leading zero'],
    ['1.32.4_rke21', 'a malformed RKE2 suffix'],
    ['1.32_k3s1', 'no patch number'],
    ['', 'an empty string'],
  ])('rejects the foreign RPM version %j (%s) with null', (rpm) => {
    expect(fromRpmVersion(rpm)).toBeNull();
  });
});
