import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { computeK3sAddonsPackage, computeK3sPackage, computeK3sSelinuxPackage, parsePackageVersion } from './k3s-package.ts';

describe('the k3s package', () => {
  it("installs the binary where K3s's installer expects it, and the install script and air-gap tarball in the read-only part", () => {
    const pkg = computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'amd64' });
    expect(pkg).toMatchObject({ name: 'k3s', rpmVersion: '1.32.4+k3s1', release: '1', arch: 'x86_64' });
    expect(pkg.files).toEqual([
      { source: 'k3s', target: '/usr/local/bin/k3s', mode: 0o755 },
      { source: 'install.sh', target: '/usr/share/k3s/install.sh', mode: 0o755 },
      { source: 'k3s-airgap-images-amd64.tar.zst', target: '/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst', mode: 0o644 },
    ]);
    // Nothing under /opt or /var/lib/rancher, which EMT keeps across A/B updates.
    expect(pkg.files.filter((f) => /^\/(opt|var)\//.test(f.target))).toEqual([]);
  });

  it('provides the exact upstream version and names it in the description', () => {
    const pkg = computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'arm64' });
    expect(pkg.provides).toEqual(['k3s-upstream-version = v1.32.4+k3s1']);
    expect(pkg.description).toContain('Upstream version: v1.32.4+k3s1');
    expect(pkg.arch).toBe('aarch64');
    expect(pkg.files[2]!.source).toBe('k3s-airgap-images-arm64.tar.zst');
  });

  it('rejects a malformed version naming --version and the expected form', () => {
    const error = expectAppError(() => computeK3sPackage({ version: 'v1.32.4', arch: 'amd64' }));
    expect(error).toMatchObject({ code: 'InvalidField', field: '--version' });
    expect(error.detail).toBe(
      '--version "v1.32.4" is not a Kubernetes version; expected v<major>.<minor>.<patch>+k3s<N> or v<major>.<minor>.<patch>+rke2r<N>, for example v1.32.4+k3s1',
    );
  });

  it('rejects an RKE2 version for the k3s package', () => {
    expect(expectAppError(() => computeK3sPackage({ version: 'v1.30.10+rke2r1', arch: 'amd64' })).detail).toBe(
      '--version v1.30.10+rke2r1 is an RKE2 version; the k3s package needs a K3s version (+k3s<N>)',
    );
  });

  it('rejects an unknown architecture naming --arch', () => {
    expect(expectAppError(() => computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'riscv64' }))).toMatchObject({ field: '--arch' });
  });

  it("rejects a release that is not the whole number the toolkit's N%{?dist} needs", () => {
    for (const release of ['1-2', '0', '1.emt3'])
      expect(expectAppError(() => computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'amd64', release })).field).toBe('--release');
  });
});

describe('the k3s-selinux package', () => {
  it('installs the policy module and loads it only where semodule exists, with no Requires', () => {
    const pkg = computeK3sSelinuxPackage({ version: '1.6.stable.1' });
    expect(pkg).toMatchObject({ name: 'k3s-selinux', rpmVersion: '1.6.stable.1', arch: 'noarch' });
    expect(pkg.files).toEqual([{ source: 'k3s.pp', target: '/usr/share/selinux/packages/k3s.pp', mode: 0o644 }]);
    expect(pkg.postLua!.join('\n')).toContain('posix.access(semodule, "x")');
    expect(pkg.postLua!.join('\n')).toContain('rpm.execute(semodule, "-i", "/usr/share/selinux/packages/k3s.pp")');
    expect(pkg.postunLua![0]).toBe('if arg[2] == 0 then');
  });
});

describe('package versions', () => {
  it('maps a Kubernetes version and keeps an RPM version as it is', () => {
    expect(parsePackageVersion('v1.32.4+k3s1')).toBe('1.32.4+k3s1');
    expect(parsePackageVersion('1.6.stable.1')).toBe('1.6.stable.1');
  });

  it('rejects a version RPM cannot carry', () => {
    expect(expectAppError(() => parsePackageVersion('1.6-1')).detail).toContain('--version "1.6-1" is not a package version');
  });
});

describe('the addon package', () => {
  it('puts image tarballs into the air-gap images directory and charts into the static charts directory', () => {
    const pkg = computeK3sAddonsPackage({ name: 'ingress', version: '1.0', sourceFiles: ['traefik-34.2.1.tgz', 'extra-images.tar.zst'] });
    expect(pkg.name).toBe('k3s-addons-ingress');
    expect(pkg.files).toEqual([
      { source: 'extra-images.tar.zst', target: '/var/lib/rancher/k3s/agent/images/extra-images.tar.zst', mode: 0o644 },
      { source: 'traefik-34.2.1.tgz', target: '/var/lib/rancher/k3s/server/static/charts/traefik-34.2.1.tgz', mode: 0o644 },
    ]);
  });

  it('rejects a source that is neither an image tarball nor a chart, naming it', () => {
    const error = expectAppError(() => computeK3sAddonsPackage({ name: 'ingress', version: '1.0', sourceFiles: ['README.md'] }));
    expect(error).toMatchObject({ field: 'sources/README.md' });
  });

  it('rejects a bad addon name naming --name', () => {
    expect(expectAppError(() => computeK3sAddonsPackage({ name: 'Ingress!', version: '1.0', sourceFiles: ['a.tar'] })).field).toBe(
      '--name',
    );
  });
});
