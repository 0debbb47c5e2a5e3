import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { computePackageSelection, parsePackageList, parsePackageRequest, type ListedRequest } from './package-list.ts';

const listed = (...entries: string[]): ListedRequest[] =>
  entries.map((e, i) => ({ request: parsePackageRequest(e, `packages/${i}`), file: 'k3s.json' }));

const available = [
  { name: 'k3s', version: '1.32.4+k3s1', release: '2.emt3' },
  { name: 'k3s', version: '1.32.5+k3s1', release: '1.emt3' },
  { name: 'k3s-calico', version: '3.30.1', release: '3.emt3' },
];

describe('package lists', () => {
  it('reads the EMT toolkit layout (packagelists/k3s.json at d00395ed)', () => {
    expect(parsePackageList({ packages: ['k3s'], _comment: 'K3s packages for lightweight Kubernetes deployment.' }, 'k3s.json')).toEqual([
      { entry: 'k3s', name: 'k3s', constraint: null },
    ]);
  });

  it("reads entries in the toolkit's grammar: a name, a condition and a version, spaces allowed", () => {
    expect(parsePackageRequest('k3s=1.32.4+k3s1', 'e')).toEqual({
      entry: 'k3s=1.32.4+k3s1',
      name: 'k3s',
      constraint: { condition: '=', version: '1.32.4+k3s1' },
    });
    expect(parsePackageRequest(' gcc >= 9.1.0 ', 'e')).toMatchObject({ name: 'gcc', constraint: { condition: '>=', version: '9.1.0' } });
    expect(parsePackageRequest('k3s-1.32.4_k3s1', 'e')).toMatchObject({ name: 'k3s-1.32.4_k3s1', constraint: null });
    expect(expectAppError(() => parsePackageRequest('k3s==1', 'k3s.json: packages/0')).detail).toContain(
      'k3s.json: packages/0 "k3s==1" is not a package list entry',
    );
  });

  it('names the file and the entry that is not a package name', () => {
    expect(() => parsePackageList({ packages: ['k3s', 3] }, 'k3s.json')).toThrow(
      'k3s.json: packages/1 must be a package name, got number 3',
    );
    expect(() => parsePackageList({ pkgs: [] }, 'k3s.json')).toThrow('k3s.json: packages must be a list of package names, got nothing');
  });

  it('installs the newest package that satisfies each entry, once', () => {
    expect(computePackageSelection(listed('k3s', 'k3s-calico', 'k3s'), available).install).toEqual([
      'k3s-1.32.5+k3s1-1.emt3',
      'k3s-calico-3.30.1-3.emt3',
    ]);
    expect(computePackageSelection(listed('k3s=1.32.4+k3s1'), available).install).toEqual(['k3s-1.32.4+k3s1-2.emt3']);
    expect(computePackageSelection(listed('k3s < 1.32.5'), available).install).toEqual(['k3s-1.32.4+k3s1-2.emt3']);
    expect(computePackageSelection(listed('k3s=1.32.4+k3s1-2.emt3'), available).install).toEqual(['k3s-1.32.4+k3s1-2.emt3']);
  });

  it('fails on entries the repository cannot satisfy, naming each and its list, unless they may be missing', () => {
    const error = expectAppError(() => computePackageSelection(listed('filesystem', 'k3s', 'k3s-selinux', 'k3s=1.33.0+k3s1'), available));
    expect(error).toMatchObject({ code: 'InvalidField', field: 'PackageLists' });
    expect(error.detail).toBe(
      'the repository has no package for filesystem (k3s.json), k3s-selinux (k3s.json), k3s=1.33.0+k3s1 (k3s.json); build it, add the repository that has it, or name it with --allow-missing',
    );
    expect(computePackageSelection(listed('filesystem', 'k3s'), available, new Set(['filesystem']))).toEqual({
      install: ['k3s-1.32.5+k3s1-1.emt3'],
      missing: ['filesystem'],
    });
  });
});
