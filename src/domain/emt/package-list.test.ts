import { describe, expect, it } from 'vitest';
import { computePackageSelection, parsePackageList } from './package-list.ts';

describe('package lists', () => {
  it('reads the EMT toolkit layout', () => {
    expect(parsePackageList({ packages: ['k3s', 'k3s-selinux'], _comment: 'x' }, 'k3s.json')).toEqual(['k3s', 'k3s-selinux']);
  });

  it('names the file and the entry that is not a package name', () => {
    expect(() => parsePackageList({ packages: ['k3s', 3] }, 'k3s.json')).toThrow(
      'k3s.json: packages/1 must be a package name, got number 3',
    );
    expect(() => parsePackageList({ pkgs: [] }, 'k3s.json')).toThrow('k3s.json: packages must be a list of package names, got nothing');
  });

  it('installs what the repository has and reports the rest as skipped', () => {
    const available = [
      { name: 'k3s', version: '1.32.4_k3s1', release: '1' },
      { name: 'k3s-selinux', version: '1.6', release: '1' },
    ];
    expect(computePackageSelection(['filesystem', 'k3s', 'k3s-selinux-1.6', 'k3s', 'k3s-1.32.5_k3s1'], available)).toEqual({
      install: ['k3s', 'k3s-selinux-1.6'],
      skipped: ['filesystem', 'k3s-1.32.5_k3s1'],
    });
  });
});
