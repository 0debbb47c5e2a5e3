import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { computeImageManifest, locateK3sFiles, recoverUpstreamVersion, type InstalledPackage } from './installed-image-manifest.ts';
import { parseImageManifestProfile } from '../inventory/os-profile.ts';

const k3sPackage: InstalledPackage = {
  name: 'k3s',
  version: '1.32.4+k3s1',
  release: '2.emt3',
  arch: 'x86_64',
  distribution: 'Edge Microvisor Toolkit',
  url: 'https://k3s.io/',
  license: 'ASL 2.0',
};
const selinux: InstalledPackage = {
  name: 'k3s-selinux',
  version: '1.6',
  release: '1',
  arch: 'noarch',
  distribution: '(none)',
  url: '(none)',
  license: 'ASL 2.0',
};
const identity = { name: 'microvisor-nonrt', version: '3.0', osType: 'immutable' as const, architecture: 'x86_64' };
const airgap = { path: '/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst', sha256: 'c'.repeat(64) };
const files = { binaryPath: '/usr/local/bin/k3s', installScriptPath: '/usr/share/k3s/install.sh', airgapImages: [airgap.path] };

describe('image manifests', () => {
  it('lists the packages as EMT package-manifest rows, sorted by name', () => {
    const manifest = computeImageManifest({ packages: [selinux, k3sPackage], identity, k3s: null });
    expect(manifest.Repo).toEqual([
      {
        Name: 'k3s',
        Version: '1.32.4+k3s1-2.emt3',
        Architecture: 'x86_64',
        Distribution: 'Edge Microvisor Toolkit',
        URL: 'https://k3s.io/',
        License: 'ASL 2.0',
        Modified: 'No',
      },
      { Name: 'k3s-selinux', Version: '1.6-1', Architecture: 'noarch', Distribution: '', URL: '', License: 'ASL 2.0', Modified: 'No' },
    ]);
  });

  it('has a kubernetes section with the exact upstream version when k3s is installed, and imports as that profile', () => {
    const manifest = computeImageManifest({
      packages: [k3sPackage],
      identity,
      k3s: { package: k3sPackage, provides: { 'k3s-upstream-version': 'v1.32.4+k3s1' }, files, airgapImages: [airgap] },
    });
    expect(manifest.kubernetes).toEqual({
      flavor: 'k3s',
      version: 'v1.32.4+k3s1',
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/usr/share/k3s/install.sh',
      airgapImages: [airgap],
      package: { name: 'k3s', version: '1.32.4+k3s1', release: '2.emt3' },
    });
    expect(parseImageManifestProfile(JSON.parse(JSON.stringify(manifest))).kubernetes?.version).toBe('v1.32.4+k3s1');
  });

  it('has no kubernetes section without k3s, and imports as a profile with no embedded K3s', () => {
    const manifest = computeImageManifest({ packages: [selinux], identity, k3s: null });
    expect('kubernetes' in manifest).toBe(false);
    expect(parseImageManifestProfile(JSON.parse(JSON.stringify(manifest))).kubernetes).toBeNull();
  });

  it('refuses a package whose RPM version and upstream provide disagree', () => {
    expect(() => recoverUpstreamVersion({ package: k3sPackage, provides: { 'k3s-upstream-version': 'v1.32.5+k3s1' } })).toThrow(
      'package k3s-1.32.4+k3s1-2.emt3 has RPM version 1.32.4+k3s1 (K3s v1.32.4+k3s1) but provides k3s-upstream-version = v1.32.5+k3s1',
    );
  });

  it('refuses a k3s package whose version cannot be recovered', () => {
    expect(() => recoverUpstreamVersion({ package: { ...k3sPackage, version: '1.32.4' }, provides: {} })).toThrow(
      'cannot tell the K3s version of package k3s-1.32.4-2.emt3',
    );
  });

  it('recovers the version from the RPM version alone', () => {
    expect(recoverUpstreamVersion({ package: k3sPackage, provides: {} }).raw).toBe('v1.32.4+k3s1');
  });

  it('reads the version EMT writes (1.32.4+k3s1) and the "_" form alike', () => {
    expect(recoverUpstreamVersion({ package: k3sPackage, provides: {} }).raw).toBe('v1.32.4+k3s1');
    expect(recoverUpstreamVersion({ package: { ...k3sPackage, version: '1.32.4_k3s1' }, provides: {} }).raw).toBe('v1.32.4+k3s1');
  });
});

describe("finding K3s in the package's file list", () => {
  it("takes the paths of EMT's own package (d00395ed: /usr/local/bin, /opt, /var/lib/rancher) as they are", () => {
    expect(
      locateK3sFiles(k3sPackage, [
        '/opt/install.sh',
        '/usr/local/bin/k3s',
        '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst',
      ]),
    ).toEqual({
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/opt/install.sh',
      airgapImages: ['/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst'],
    });
    expect(locateK3sFiles(k3sPackage, ['/usr/bin/k3s', '/opt/install.sh']).binaryPath).toBe('/usr/bin/k3s');
  });

  it('fails naming the package and its files when the binary or the install script is not among them', () => {
    const error = expectAppError(() => locateK3sFiles(k3sPackage, ['/usr/local/bin/k3s']));
    expect(error.detail).toBe(
      'package k3s-1.32.4+k3s1-2.emt3 has no install script (install.sh) in its file list (/usr/local/bin/k3s); the image manifest needs exactly one',
    );
  });
});
