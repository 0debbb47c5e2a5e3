import { describe, expect, it } from 'vitest';
import { computeK3sPackage, computeK3sSelinuxPackage } from '../../domain/emt/k3s-package.ts';
import { parseSpecHeader, renderPackageSpec } from './package-spec.ts';

describe('package SPECs', () => {
  const spec = renderPackageSpec(computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'amd64' }), {
    generatedBy: 'edge-orch emt spec k3s --version v1.32.4+k3s1 --arch amd64',
  });

  it('renders the k3s SPEC with the RPM version, the upstream provide and the three sources', () => {
    expect(spec).toContain('\nName:           k3s\nVersion:        1.32.4_k3s1\nRelease:        1\n');
    expect(spec).toContain('\nExclusiveArch:  x86_64\nAutoReqProv:    no\nProvides:       k3s-upstream-version = v1.32.4+k3s1\n');
    expect(spec).toContain('Source0:        k3s\nSource1:        install.sh\nSource2:        k3s-airgap-images-amd64.tar.zst\n');
    expect(spec).toContain('\nUpstream version: v1.32.4+k3s1\n');
  });

  it('keeps the sources byte for byte: no debuginfo, no brp scripts, no build-id links', () => {
    expect(spec).toContain('%global debug_package %{nil}\n%global __os_install_post %{nil}\n%global _build_id_links none\n');
  });

  it('installs each source from its own SourceN and lists exactly the files, not their directories', () => {
    expect(spec).toContain(
      [
        '%install',
        'install -D -m 0755 %{SOURCE0} %{buildroot}/usr/local/bin/k3s',
        'install -D -m 0755 %{SOURCE1} %{buildroot}/opt/install.sh',
        'install -D -m 0644 %{SOURCE2} %{buildroot}/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst',
        '',
        '%files',
        '%attr(0755, root, root) /usr/local/bin/k3s',
        '%attr(0755, root, root) /opt/install.sh',
        '%attr(0644, root, root) /var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst',
        '',
      ].join('\n'),
    );
    expect(spec.endsWith('/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst\n')).toBe(true);
  });

  it('renders the SELinux SPEC as noarch with Lua scriptlets and no Requires', () => {
    const selinux = renderPackageSpec(computeK3sSelinuxPackage({ version: '1.6.stable.1' }));
    expect(selinux).toContain('BuildArch:      noarch\n');
    expect(selinux).toContain('\n%post -p <lua>\n');
    expect(selinux).toContain('\n%postun -p <lua>\nif arg[2] == 0 then\n');
    expect(selinux).not.toMatch(/^Requires:/m);
  });

  it('escapes % in free text so it is not read as a macro', () => {
    const pkg = { ...computeK3sSelinuxPackage({ version: '1.6' }), summary: '100% policy' };
    expect(renderPackageSpec(pkg)).toContain('Summary:        100%% policy\n');
  });

  it('reads back the name, the architecture and the source names', () => {
    expect(parseSpecHeader(spec, 'k3s.spec')).toEqual({
      name: 'k3s',
      arch: 'x86_64',
      sources: ['k3s', 'install.sh', 'k3s-airgap-images-amd64.tar.zst'],
    });
    expect(parseSpecHeader('Name: x\nBuildArch: noarch\nSource0: https://h/a/b.tar.gz#/x-1.tar.gz\n', 'x.spec').sources).toEqual([
      'x-1.tar.gz',
    ]);
    expect(() => parseSpecHeader('Name: x\n', 'x.spec')).toThrow('x.spec has neither an ExclusiveArch: nor a BuildArch: line');
  });
});
