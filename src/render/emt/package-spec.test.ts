import { describe, expect, it } from 'vitest';
import { computeAgentPackage } from '../../domain/emt/agent-package.ts';
import { computeK3sAddonsPackage, computeK3sPackage, computeK3sSelinuxPackage } from '../../domain/emt/k3s-package.ts';
import { checkSpecGuidelines } from '../../domain/emt/spec-guidelines.ts';
import { parseSpecHeader, renderPackageSpec } from './package-spec.ts';

const date = new Date('2025-06-17T10:00:00Z');

describe('package SPECs', () => {
  const spec = renderPackageSpec(computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'amd64' }), {
    generatedBy: 'edge-orch emt spec k3s --version v1.32.4+k3s1 --arch amd64',
    date,
  });

  it('renders the k3s SPEC with the version EMT writes, Release N%{?dist}, the upstream provide and the three sources', () => {
    expect(spec).toContain('\nName:           k3s\nVersion:        1.32.4+k3s1\nRelease:        1%{?dist}\n');
    expect(spec).toContain('\nVendor:         Intel Corporation\nDistribution:   Edge Microvisor Toolkit\n');
    expect(spec).toContain('\nExclusiveArch:  x86_64\nProvides:       k3s-upstream-version = v1.32.4+k3s1\n');
    expect(spec).toContain('Source0:        k3s\nSource1:        install.sh\nSource2:        k3s-airgap-images-amd64.tar.zst\n');
    expect(spec).toContain('\nUpstream version: v1.32.4+k3s1\n');
    // RPM's dependency generator runs: the install script requires /bin/sh, which EMT has.
    expect(spec).not.toMatch(/^AutoReq/m);
  });

  it('keeps the sources byte for byte: no debuginfo, no brp scripts, no build-id links', () => {
    expect(spec).toContain('%global debug_package %{nil}\n%global __os_install_post %{nil}\n%global _build_id_links none\n');
  });

  it('installs each source from its own SourceN and lists exactly the files, not their directories', () => {
    expect(spec).toContain(
      [
        '%install',
        'install -D -m 0755 %{SOURCE0} %{buildroot}/usr/local/bin/k3s',
        'install -D -m 0755 %{SOURCE1} %{buildroot}/usr/share/k3s/install.sh',
        'install -D -m 0644 %{SOURCE2} %{buildroot}/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst',
        '',
        '%files',
        '%attr(0755, root, root) /usr/local/bin/k3s',
        '%attr(0755, root, root) /usr/share/k3s/install.sh',
        '%attr(0644, root, root) /usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst',
        '',
      ].join('\n'),
    );
  });

  it('ends with the changelog entry the toolkit checker wants: a dated author line, attribution and license verified', () => {
    expect(
      spec.endsWith(
        [
          '%changelog',
          '* Tue Jun 17 2025 edge-orch <edge-orch@localhost> - 1.32.4+k3s1-1',
          '- Original version for Edge Microvisor Toolkit.',
          '- License verified.',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
  });

  it("passes the toolkit's SPEC rules, for every package edge-orch writes", () => {
    const addons = computeK3sAddonsPackage({ name: 'ingress', version: '1.0', sourceFiles: ['chart.tgz'] });
    for (const pkg of [
      computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'arm64' }),
      computeK3sSelinuxPackage({ version: '1.6' }),
      addons,
      computeAgentPackage({ version: '0.1.0', arch: 'amd64' }),
    ])
      expect(checkSpecGuidelines(renderPackageSpec(pkg, { date })), pkg.name).toEqual([]);
  });

  it('renders the agent SPEC with a fast payload, its settings as a kept 0600 config file, and the unit enabled by Lua', () => {
    const agent = renderPackageSpec(computeAgentPackage({ version: '0.1.0', arch: 'amd64' }), { date });
    expect(agent).toContain('%global _binary_payload w3.zstdio\n');
    expect(agent).toContain('ExclusiveArch:  x86_64\n');
    expect(agent).toContain('\n%config(noreplace) %attr(0600, root, root) /etc/edge-orch/agent.yaml\n');
    expect(agent).toContain('\n%attr(0755, root, root) /usr/lib/edge-orch-agent/node\n');
    expect(agent).toContain(
      'posix.symlink("/usr/lib/systemd/system/edge-orch-agent.service", "/etc/systemd/system/multi-user.target.wants/edge-orch-agent.service")',
    );
    expect(agent).toMatch(/\n%preun -p <lua>\nif arg\[2\] == 0 and posix.access\("\/run\/systemd\/system"\) then\n/);
  });

  it('renders the SELinux SPEC as noarch with Lua scriptlets and no Requires', () => {
    const selinux = renderPackageSpec(computeK3sSelinuxPackage({ version: '1.6.stable.1' }), { date });
    expect(selinux).toContain('BuildArch:      noarch\n');
    expect(selinux).toContain('\n%post -p <lua>\n');
    expect(selinux).toContain('\n%postun -p <lua>\nif arg[2] == 0 then\n');
    expect(selinux).not.toMatch(/^Requires:/m);
  });

  it('escapes % in free text so it is not read as a macro', () => {
    const pkg = { ...computeK3sSelinuxPackage({ version: '1.6' }), summary: '100% policy' };
    expect(renderPackageSpec(pkg, { date })).toContain('Summary:        100%% policy\n');
  });

  it('reads back the name, the architecture and the source names of an expanded SPEC', () => {
    expect(parseSpecHeader(spec, 'k3s.spec')).toEqual({
      name: 'k3s',
      arch: 'x86_64',
      sources: ['k3s', 'install.sh', 'k3s-airgap-images-amd64.tar.zst'],
    });
    expect(parseSpecHeader('Name: x\nBuildArch: noarch\nSource0: https://h/a/b.tar.gz#/x-1.tar.gz\n', 'x.spec')).toEqual({
      name: 'x',
      arch: 'noarch',
      sources: ['x-1.tar.gz'],
    });
    // EMT's k3s SPEC names no architecture: it is built for the machine's.
    expect(parseSpecHeader('Name: k3s\nSource0: k3s-v1.32.4\n', 'k3s.spec').arch).toBeNull();
    expect(parseSpecHeader('Name: k3s\nExclusiveArch: x86_64 aarch64\n', 'k3s.spec').arch).toBeNull();
    expect(() => parseSpecHeader('Version: 1\n', 'x.spec')).toThrow('x.spec has no Name: line');
  });
});
