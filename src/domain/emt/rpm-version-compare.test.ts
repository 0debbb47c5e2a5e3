import { describe, expect, it } from 'vitest';
import { compareRpmVersions } from './rpm-version-compare.ts';

describe('RPM version order', () => {
  it.each([
    ['1.32.4+k3s1', '1.32.10+k3s1', -1],
    ['1.32.4+k3s2', '1.32.4+k3s1', 1],
    ['1.32.4+k3s1', '1.32.4_k3s1', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.0a', '1.0', 1],
    ['1.01', '1.1', 0],
    ['2', '10', -1],
    ['1.a', '1.1', -1],
  ])('orders %s against %s as %i', (a, b, order) => {
    expect(Math.sign(compareRpmVersions(a, b))).toBe(order);
    expect(Math.sign(compareRpmVersions(b, a))).toBe(-order || 0);
  });
});
