import { describe, expect, it } from 'vitest';
import { computeImageManifest, recoverUpstreamVersion, type InstalledPackage } from './installed-image-manifest.ts';
import { parseImageManifestProfile } from '../inventory/os-profile.ts';

const k3sPackage: InstalledPackage = {
  name: 'k3s',
  version: '1.32.4_k3s1',
  release: '1',
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
const airgap = { path: '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst', sha256: 'c'.repeat(64) };

describe('image manifests', () => {
  it('lists the packages as EMT package-manifest rows, sorted by name', () => {
    const manifest = computeImageManifest({ packages: [selinux, k3sPackage], identity, k3s: null });
    expect(manifest.Repo).toEqual([
      {
        Name: 'k3s',
        Version: '1.32.4_k3s1-1',
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
      k3s: { package: k3sPackage, provides: { 'k3s-upstream-version': 'v1.32.4+k3s1' }, airgapImages: [airgap] },
    });
    expect(manifest.kubernetes).toEqual({
      flavor: 'k3s',
      version: 'v1.32.4+k3s1',
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/opt/install.sh',
      airgapImages: [airgap],
      package: { name: 'k3s', version: '1.32.4_k3s1', release: '1' },
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
      'package k3s-1.32.4_k3s1-1 has RPM version 1.32.4_k3s1 (K3s v1.32.4+k3s1) but provides k3s-upstream-version = v1.32.5+k3s1',
    );
  });

  it('refuses a k3s package whose version cannot be recovered', () => {
    expect(() => recoverUpstreamVersion({ package: { ...k3sPackage, version: '1.32.4' }, provides: {} })).toThrow(
      'cannot tell the K3s version of package k3s-1.32.4-1',
    );
  });

  it('recovers the version from the RPM version alone', () => {
    expect(recoverUpstreamVersion({ package: k3sPackage, provides: {} }).raw).toBe('v1.32.4+k3s1');
  });
});
