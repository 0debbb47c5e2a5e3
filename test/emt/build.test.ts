/**
 * SPEC → rpmbuild → createrepo_c with the real tools and stand-in K3s sources: what the RPMs hold, and that bad
 * input stops with a precise error before anything is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeK3sAddonsPackage, computeK3sPackage, computeK3sSelinuxPackage } from '../../src/domain/emt/k3s-package.ts';
import { fromRpmVersion } from '../../src/domain/compatibility/k8s-version.ts';
import { buildPackage } from '../../src/emt/build-package.ts';
import { writePackageSpec } from '../../src/emt/write-spec.ts';
import { createWorkspace, runCli, sha256, snapshotDir, type Workspace } from './support/emt-workspace.ts';

const rpmQuery = (...args: string[]): string => execFileSync('rpm', ['--nosignature', ...args], { encoding: 'utf8' });

/** Unpacks an RPM's payload (rpm2cpio | cpio) into a new directory. */
function extractRpm(rpm: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-orch-rpm-payload-'));
  const cpio = execFileSync('rpm2cpio', [rpm], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { cwd: dir, input: cpio });
  return dir;
}

describe('building the K3s packages', { timeout: 90_000 }, () => {
  let ws: Workspace;
  let repo: string;
  let k3sRpm: string;

  beforeAll(async () => {
    ws = await createWorkspace('v1.32.4+k3s1');
    repo = join(ws.dir, 'repo');
    await writePackageSpec({
      pkg: computeK3sPackage({ version: 'v1.32.4+k3s1', arch: 'amd64' }),
      sourcesDir: ws.sources,
      outDir: join(ws.dir, 'SPECS/k3s'),
    });
    const built = await buildPackage({ specDir: join(ws.dir, 'SPECS/k3s'), sourcesDir: ws.sources, repoDir: repo });
    k3sRpm = built.rpms[0]!;
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('writes the SPEC and a signatures file with the sha256 of every source', () => {
    const signatures = JSON.parse(readFileSync(join(ws.dir, 'SPECS/k3s/k3s.signatures.json'), 'utf8'));
    expect(signatures).toEqual({
      Signatures: {
        k3s: ws.standins.k3s.sha256,
        'install.sh': ws.standins.installScript.sha256,
        'k3s-airgap-images-amd64.tar.zst': ws.standins.airgapImages[0]!.sha256,
      },
    });
  });

  it('builds k3s-1.32.4+k3s1-1.emt3.x86_64.rpm, named as EMT names its packages, into an indexed repository', () => {
    expect(k3sRpm).toBe(join(repo, 'k3s-1.32.4+k3s1-1.emt3.x86_64.rpm'));
    expect(existsSync(join(repo, 'repodata', 'repomd.xml'))).toBe(true);
  });

  it('lists exactly the binary, the install script and the air-gap tarball, with their modes', () => {
    expect(rpmQuery('-qlp', k3sRpm).trim().split('\n').sort()).toEqual([
      '/usr/local/bin/k3s',
      '/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst',
      '/usr/share/k3s/install.sh',
    ]);
    expect(rpmQuery('-qp', '--qf', '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\n]', k3sRpm).trim().split('\n').sort()).toEqual([
      '-rw-r--r-- root /usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst',
      '-rwxr-xr-x root /usr/local/bin/k3s',
      '-rwxr-xr-x root /usr/share/k3s/install.sh',
    ]);
    // RPM's dependency generator ran: the install script needs a shell, which EMT's base provides.
    expect(rpmQuery('-qp', '--requires', k3sRpm)).toContain('/bin/sh');
  });

  it('carries the air-gap tarball, the binary and the install script byte for byte', () => {
    const payload = extractRpm(k3sRpm);
    try {
      expect(readFileSync(join(payload, 'usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst'))).toEqual(
        readFileSync(ws.standins.airgapImages[0]!.path),
      );
      expect(sha256(readFileSync(join(payload, 'usr/local/bin/k3s')))).toBe(ws.standins.k3s.sha256);
      expect(sha256(readFileSync(join(payload, 'usr/share/k3s/install.sh')))).toBe(ws.standins.installScript.sha256);
    } finally {
      rmSync(payload, { recursive: true, force: true });
    }
  });

  it('keeps the exact upstream version recoverable from the package', () => {
    const [version, provides] = [rpmQuery('-qp', '--qf', '%{VERSION}', k3sRpm), rpmQuery('-qp', '--provides', k3sRpm)];
    expect(fromRpmVersion(version)?.raw).toBe('v1.32.4+k3s1');
    expect(provides).toContain('k3s-upstream-version = v1.32.4+k3s1');
    expect(rpmQuery('-qp', '--qf', '%{DESCRIPTION}', k3sRpm)).toContain('Upstream version: v1.32.4+k3s1');
  });

  it('builds the SELinux policy package without Requires a local repository cannot satisfy', async () => {
    await writePackageSpec({
      pkg: computeK3sSelinuxPackage({ version: '1.6.stable.1' }),
      sourcesDir: ws.sources,
      outDir: join(ws.dir, 'SPECS/k3s-selinux'),
    });
    const { rpms } = await buildPackage({ specDir: join(ws.dir, 'SPECS/k3s-selinux'), sourcesDir: ws.sources, repoDir: repo });
    expect(rpms).toEqual([join(repo, 'k3s-selinux-1.6.stable.1-1.emt3.noarch.rpm')]);
    expect(rpmQuery('-qlp', rpms[0]!).trim()).toBe('/usr/share/selinux/packages/k3s.pp');
    expect(rpmQuery('-qp', '--requires', rpms[0]!)).not.toMatch(/selinux-policy|container-selinux/);
    expect(rpmQuery('-qp', '--scripts', rpms[0]!)).toContain('rpm.execute(semodule, "-i", "/usr/share/selinux/packages/k3s.pp")');
  });

  it('builds an addon package with its image tarballs and charts', async () => {
    const sources = join(ws.dir, 'addon-sources');
    mkdirSync(sources);
    writeFileSync(join(sources, 'ingress-images.tar.zst'), 'images');
    writeFileSync(join(sources, 'traefik-34.2.1.tgz'), 'chart');
    const pkg = computeK3sAddonsPackage({
      name: 'ingress',
      version: 'v1.32.4+k3s1',
      sourceFiles: ['ingress-images.tar.zst', 'traefik-34.2.1.tgz'],
    });
    await writePackageSpec({ pkg, sourcesDir: sources, outDir: join(ws.dir, 'SPECS/k3s-addons-ingress') });
    const { rpms } = await buildPackage({
      specDir: join(ws.dir, 'SPECS/k3s-addons-ingress'),
      sourcesDir: sources,
      repoDir: join(ws.dir, 'addon-repo'),
    });
    expect(rpmQuery('-qlp', rpms[0]!).trim().split('\n')).toEqual([
      '/var/lib/rancher/k3s/agent/images/ingress-images.tar.zst',
      '/var/lib/rancher/k3s/server/static/charts/traefik-34.2.1.tgz',
    ]);
  });

  it('stops on a source whose sha256 differs, naming it and both sha256s, and leaves the repository as it was', async () => {
    const tampered = join(ws.dir, 'tampered');
    mkdirSync(tampered);
    for (const f of ['k3s', 'install.sh']) writeFileSync(join(tampered, f), readFileSync(join(ws.sources, f)));
    const wrong = Buffer.from('not the air-gap images');
    writeFileSync(join(tampered, 'k3s-airgap-images-amd64.tar.zst'), wrong);
    const before = snapshotDir(repo);
    const { code, stderr } = await runCli(['emt', 'build', '--spec', 'SPECS/k3s', '--sources', 'tampered', '--repo', 'repo'], {
      cwd: ws.dir,
    });
    expect(code).toBe(4);
    expect(stderr).toBe(
      `error: source k3s-airgap-images-amd64.tar.zst in tampered has sha256 ${sha256(wrong)}, expected ${ws.standins.airgapImages[0]!.sha256} (from ${join(ws.dir, 'SPECS/k3s/k3s.signatures.json')}); nothing was built (field: sources/k3s-airgap-images-amd64.tar.zst)\n`,
    );
    expect(snapshotDir(repo)).toEqual(before);
  });

  it('stops on a missing source, naming it, and leaves the repository as it was', async () => {
    const partial = join(ws.dir, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'k3s'), readFileSync(join(ws.sources, 'k3s')));
    const before = snapshotDir(repo);
    await expect(buildPackage({ specDir: join(ws.dir, 'SPECS/k3s'), sourcesDir: partial, repoDir: repo })).rejects.toMatchObject({
      code: 'InvalidField',
      field: 'sources/install.sh',
      detail: expect.stringContaining(`source install.sh is missing from ${partial}`),
    });
    expect(snapshotDir(repo)).toEqual(before);
  });

  it.each([
    [
      ['--version', 'v1.32.4+k3s1', '--arch', 'x86_64'],
      'error: --arch "x86_64" is not a supported architecture; expected one of amd64, arm64 (field: --arch)\n',
    ],
    [
      ['--version', '1.32.4', '--arch', 'amd64'],
      'error: --version "1.32.4" is not a Kubernetes version; expected v<major>.<minor>.<patch>+k3s<N> or v<major>.<minor>.<patch>+rke2r<N>, for example v1.32.4+k3s1 (field: --version)\n',
    ],
  ])('refuses spec k3s %j with a precise error and writes nothing', async (args, message) => {
    const { code, stderr } = await runCli(['emt', 'spec', 'k3s', ...args, '--sources', 'sources', '--out', 'SPECS/bad'], { cwd: ws.dir });
    expect({ code, stderr }).toEqual({ code: 2, stderr: message });
    expect(existsSync(join(ws.dir, 'SPECS/bad'))).toBe(false);
  });

  it('refuses a SPEC when a source is missing and leaves an existing SPEC directory as it was', async () => {
    const before = snapshotDir(join(ws.dir, 'SPECS/k3s'));
    await expect(
      writePackageSpec({
        pkg: computeK3sPackage({ version: 'v1.32.5+k3s1', arch: 'amd64' }),
        sourcesDir: join(ws.dir, 'partial'),
        outDir: join(ws.dir, 'SPECS/k3s'),
      }),
    ).rejects.toMatchObject({ field: 'sources/install.sh' });
    expect(snapshotDir(join(ws.dir, 'SPECS/k3s'))).toEqual(before);
  });
});
