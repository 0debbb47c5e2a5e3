/**
 * Composing an image root with the real dnf from a repository of the stand-in K3s RPMs and a stand-in EMT base
 * repository: the root, its rpm database, the manifest (outside and inside the image), squashfs, a version
 * change and a pinned version, a package built from a SPEC written like EMT's own, and bad input.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeK3sPackage, computeK3sSelinuxPackage } from '../../src/domain/emt/k3s-package.ts';
import { HOST_MANIFEST_PATH } from '../../src/domain/bootstrap/host-root.ts';
import type { ImageManifest } from '../../src/domain/inventory/image-manifest.ts';
import { parseOsProfileDocument } from '../../src/domain/inventory/os-profile.ts';
import { buildPackage } from '../../src/emt/build-package.ts';
import { composeImage } from '../../src/emt/compose-image.ts';
import { writePackageSpec } from '../../src/emt/write-spec.ts';
import { writeStandinSources } from '../standins/standin-sources.ts';
import {
  buildEmtBaseRepo,
  buildEmtOwnK3s,
  createWorkspace,
  EDGE_IMAGE_CONFIG,
  NO_K3S_CONFIG,
  sha256,
  snapshotDir,
  type Workspace,
} from './support/emt-workspace.ts';

const K3S_LIST = '{\n    "packages": [\n        "k3s",\n        "k3s-selinux"\n    ]\n}\n';
const WITH_K3S = EDGE_IMAGE_CONFIG.replace(
  '"packagelists/ssh-server.json"\n',
  '"packagelists/ssh-server.json",\n                "packagelists/k3s.json"\n',
);

describe('composing an EMT image', { timeout: 90_000 }, () => {
  let ws: Workspace;
  let repo: string;
  let base: string;
  let out: string;
  let result: Awaited<ReturnType<typeof composeImage>>;
  const rootfs = (): string => join(out, 'rootfs');

  async function specAndBuild(version: string): Promise<void> {
    await writePackageSpec({
      pkg: computeK3sPackage({ version, arch: 'amd64' }),
      sourcesDir: ws.sources,
      outDir: join(ws.dir, 'SPECS/k3s'),
    });
    await buildPackage({ specDir: join(ws.dir, 'SPECS/k3s'), sourcesDir: ws.sources, repoDir: repo });
  }

  beforeAll(async () => {
    ws = await createWorkspace('v1.32.4+k3s1', { configs: { 'edge-image.json': WITH_K3S, 'no-k3s.json': NO_K3S_CONFIG } });
    writeFileSync(join(ws.imageconfigs, 'packagelists/k3s.json'), K3S_LIST);
    repo = join(ws.dir, 'repo');
    base = buildEmtBaseRepo(ws.dir);
    out = join(ws.dir, 'build/edge-image');
    await specAndBuild('v1.32.4+k3s1');
    await writePackageSpec({
      pkg: computeK3sSelinuxPackage({ version: '1.6.stable.1' }),
      sourcesDir: ws.sources,
      outDir: join(ws.dir, 'SPECS/k3s-selinux'),
    });
    await buildPackage({ specDir: join(ws.dir, 'SPECS/k3s-selinux'), sourcesDir: ws.sources, repoDir: repo });
    result = await composeImage({
      configFile: join(ws.imageconfigs, 'edge-image.json'),
      repoDirs: [repo, base],
      outDir: out,
      name: 'microvisor-nonrt',
      squashfs: true,
    });
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('installs the newest package for every entry of the lists, from both repositories', () => {
    expect(result.installed).toEqual([
      'filesystem-3.0-1.emt3',
      'systemd-3.0-1.emt3',
      'rpm-3.0-1.emt3',
      'openssh-server-3.0-1.emt3',
      'k3s-1.32.4+k3s1-1.emt3',
      'k3s-selinux-1.6.stable.1-1.emt3',
    ]);
    expect(result.missing).toEqual([]);
  });

  it('fails on a listed package no repository has, as the toolkit does, unless --allow-missing names it', async () => {
    const target = join(ws.dir, 'build/partial');
    await expect(
      composeImage({ configFile: join(ws.imageconfigs, 'edge-image.json'), repoDirs: [repo], outDir: target }),
    ).rejects.toMatchObject({
      code: 'InvalidField',
      field: 'PackageLists',
      detail:
        'the repository has no package for filesystem (packagelists/core-packages-image.json), systemd (packagelists/core-packages-image.json), rpm (packagelists/core-packages-image.json), openssh-server (packagelists/ssh-server.json); build it, add the repository that has it, or name it with --allow-missing',
    });
    expect(existsSync(target)).toBe(false);
    // What is left out is named; dnf then needs /bin/sh from somewhere, which only the base repository has.
    await expect(
      composeImage({
        configFile: join(ws.imageconfigs, 'edge-image.json'),
        repoDirs: [repo],
        outDir: target,
        allowMissing: ['filesystem', 'systemd', 'rpm', 'openssh-server'],
      }),
    ).rejects.toMatchObject({ code: 'BuildToolFailed', detail: expect.stringContaining('/bin/sh') });
  });

  it('puts the K3s files into the root, byte for byte, with their modes', () => {
    const file = (path: string): Buffer => readFileSync(join(rootfs(), path));
    expect(sha256(file('/usr/local/bin/k3s'))).toBe(ws.standins.k3s.sha256);
    expect(sha256(file('/usr/share/k3s/install.sh'))).toBe(ws.standins.installScript.sha256);
    expect(file('/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst')).toEqual(readFileSync(ws.standins.airgapImages[0]!.path));
    expect(statSync(join(rootfs(), '/usr/local/bin/k3s')).mode & 0o777).toBe(0o755);
    expect(statSync(join(rootfs(), '/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst')).mode & 0o777).toBe(0o644);
    // Nothing in the paths EMT keeps across A/B updates.
    expect(existsSync(join(rootfs(), 'opt/install.sh'))).toBe(false);
    expect(existsSync(join(rootfs(), 'var/lib/rancher'))).toBe(false);
    expect(existsSync(join(rootfs(), 'var/cache/dnf'))).toBe(false);
  });

  it('keeps an rpm database in the root that knows the package', () => {
    expect(execFileSync('rpm', ['--root', rootfs(), '--dbpath', '/var/lib/rpm', '-q', 'k3s'], { encoding: 'utf8' })).toBe(
      'k3s-1.32.4+k3s1-1.emt3.x86_64\n',
    );
    expect(
      execFileSync('rpm', ['--root', rootfs(), '--dbpath', '/var/lib/rpm', '-qf', '/usr/share/k3s/install.sh'], { encoding: 'utf8' }),
    ).toBe('k3s-1.32.4+k3s1-1.emt3.x86_64\n');
  });

  it('writes a manifest whose kubernetes version is the requested upstream string', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ImageManifest;
    expect(manifest.kubernetes).toEqual({
      flavor: 'k3s',
      version: 'v1.32.4+k3s1',
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/usr/share/k3s/install.sh',
      airgapImages: [{ path: '/usr/share/k3s/images/k3s-airgap-images-amd64.tar.zst', sha256: ws.standins.airgapImages[0]!.sha256 }],
      package: { name: 'k3s', version: '1.32.4+k3s1', release: '1.emt3' },
    });
    expect(manifest.Repo.map((r) => `${r.Name} ${r.Version} ${r.Architecture}`)).toEqual([
      'filesystem 3.0-1.emt3 noarch',
      'k3s 1.32.4+k3s1-1.emt3 x86_64',
      'k3s-selinux 1.6.stable.1-1.emt3 noarch',
      'openssh-server 3.0-1.emt3 noarch',
      'rpm 3.0-1.emt3 noarch',
      'systemd 3.0-1.emt3 noarch',
    ]);
    expect(manifest.image).toMatchObject({ name: 'microvisor-nonrt', version: '3.0', osType: 'immutable', architecture: 'x86_64' });
    const profile = parseOsProfileDocument(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(profile).toMatchObject({
      name: 'microvisor-nonrt',
      osType: 'immutable',
      source: 'manifest',
      kubernetes: { version: 'v1.32.4+k3s1' },
    });
  });

  it('packs the root as squashfs and records its file name and sha256', () => {
    const { image } = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ImageManifest;
    expect(image.imageUrl).toBe('edge-image.squashfs');
    expect(image.imageSha256).toBe(sha256(readFileSync(join(out, 'edge-image.squashfs'))));
  });

  it("writes the same manifest into the image for the agent, without the squashfs's own checksum", () => {
    const outside = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ImageManifest;
    const inside = JSON.parse(readFileSync(join(rootfs(), HOST_MANIFEST_PATH), 'utf8')) as ImageManifest;
    const { imageUrl: _url, imageSha256: _sha, ...identity } = outside.image;
    expect(inside).toEqual({ ...outside, image: identity });
  });

  it('writes byte-identical manifests inside and outside when no squashfs is packed', async () => {
    const plain = join(ws.dir, 'build/plain');
    await composeImage({ configFile: join(ws.imageconfigs, 'edge-image.json'), repoDirs: [repo, base], outDir: plain });
    expect(readFileSync(join(plain, 'rootfs', HOST_MANIFEST_PATH))).toEqual(readFileSync(join(plain, 'manifest.json')));
  });

  it('writes no kubernetes section when the package lists hold no k3s, and the profile embeds none', async () => {
    const noK3s = join(ws.dir, 'build/no-k3s');
    const composed = await composeImage({
      configFile: join(ws.imageconfigs, 'no-k3s.json'),
      repoDirs: [repo, base],
      outDir: noK3s,
      osType: 'mutable',
    });
    expect(composed.installed).toContain('k3s-selinux-1.6.stable.1-1.emt3');
    const text = readFileSync(join(noK3s, 'manifest.json'), 'utf8');
    expect('kubernetes' in JSON.parse(text)).toBe(false);
    expect(existsSync(join(noK3s, 'rootfs/usr/local/bin/k3s'))).toBe(false);
    expect(parseOsProfileDocument(text)).toMatchObject({ name: 'no-k3s', osType: 'mutable', kubernetes: null });
  });

  it('stops on an image config that is not JSON and leaves the previous image as it was', async () => {
    writeFileSync(join(ws.imageconfigs, 'broken.json'), '{"SystemConfigs": [}');
    const before = snapshotDir(join(ws.dir, 'build'));
    await expect(composeImage({ configFile: join(ws.imageconfigs, 'broken.json'), repoDirs: [repo], outDir: out })).rejects.toMatchObject({
      code: 'MalformedDocument',
      detail: `${join(ws.imageconfigs, 'broken.json')} is not JSON: expected a value, found "}" at line 1 column 20 (position 19)`,
    });
    expect(snapshotDir(join(ws.dir, 'build'))).toEqual(before);
  });

  it('stops on a package list the config names but that does not exist, naming it', async () => {
    writeFileSync(join(ws.imageconfigs, 'missing-list.json'), '{"SystemConfigs": [{"PackageLists": ["packagelists/nope.json"]}]}');
    await expect(
      composeImage({ configFile: join(ws.imageconfigs, 'missing-list.json'), repoDirs: [repo], outDir: join(ws.dir, 'build/missing') }),
    ).rejects.toThrow(
      `${join(ws.imageconfigs, 'missing-list.json')} names package list packagelists/nope.json, but ${join(ws.imageconfigs, 'packagelists/nope.json')} cannot be read`,
    );
    expect(existsSync(join(ws.dir, 'build/missing'))).toBe(false);
  });

  it('regenerates the SPEC, the RPM, the image and the manifest for a new K3s version', async () => {
    const specBefore = readFileSync(join(ws.dir, 'SPECS/k3s/k3s.spec'), 'utf8');
    ws.standins = await writeStandinSources(ws.sources, { version: 'v1.32.5+k3s1' });
    await specAndBuild('v1.32.5+k3s1');
    const spec = readFileSync(join(ws.dir, 'SPECS/k3s/k3s.spec'), 'utf8');
    expect(specBefore).toContain('Version:        1.32.4+k3s1\n');
    expect(spec).toContain('Version:        1.32.5+k3s1\n');
    expect(spec).toContain('Provides:       k3s-upstream-version = v1.32.5+k3s1\n');
    expect(existsSync(join(repo, 'k3s-1.32.5+k3s1-1.emt3.x86_64.rpm'))).toBe(true);

    const squashBefore = readFileSync(join(out, 'edge-image.squashfs'));
    await composeImage({
      configFile: join(ws.imageconfigs, 'edge-image.json'),
      repoDirs: [repo, base],
      outDir: out,
      name: 'microvisor-nonrt',
      squashfs: true,
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ImageManifest;
    expect(manifest.kubernetes?.version).toBe('v1.32.5+k3s1');
    expect(manifest.kubernetes?.airgapImages[0]!.sha256).toBe(ws.standins.airgapImages[0]!.sha256);
    expect(readFileSync(join(rootfs(), 'usr/local/bin/k3s'), 'utf8')).toContain('const VERSION = "v1.32.5+k3s1";');
    expect(execFileSync('rpm', ['--root', rootfs(), '--dbpath', '/var/lib/rpm', '-q', 'k3s'], { encoding: 'utf8' })).toBe(
      'k3s-1.32.5+k3s1-1.emt3.x86_64\n',
    );
    expect(readFileSync(join(out, 'edge-image.squashfs')).equals(squashBefore)).toBe(false);
    expect(manifest.image.imageSha256).toBe(sha256(readFileSync(join(out, 'edge-image.squashfs'))));
  });

  it("installs the version the list pins in the toolkit's grammar (k3s=1.32.4+k3s1) though a newer one is there", async () => {
    writeFileSync(join(ws.imageconfigs, 'packagelists/k3s-pinned.json'), '{"packages": ["k3s=1.32.4+k3s1"]}\n');
    writeFileSync(join(ws.imageconfigs, 'pinned.json'), '{"SystemConfigs": [{"PackageLists": ["packagelists/k3s-pinned.json"]}]}\n');
    const pinned = await composeImage({
      configFile: join(ws.imageconfigs, 'pinned.json'),
      repoDirs: [repo, base],
      outDir: join(ws.dir, 'build/pinned'),
    });
    expect(pinned.installed).toEqual(['k3s-1.32.4+k3s1-1.emt3']);
    expect(pinned.manifest.kubernetes?.version).toBe('v1.32.4+k3s1');
  });

  it("builds and composes a k3s package from a SPEC written like EMT's own, and takes the version and every path from the RPM", async () => {
    // EMT's header: Version %{_version}+k3s1, Release 2%{?dist}, macros in the Source names, no ExclusiveArch.
    const emtRepo = join(ws.dir, 'repo-emt');
    const { rpm, standins } = await buildEmtOwnK3s(ws.dir, emtRepo);
    expect(rpm).toBe(join(emtRepo, 'k3s-1.32.4+k3s1-2.emt3.x86_64.rpm'));

    writeFileSync(join(ws.imageconfigs, 'packagelists/k3s-emt.json'), '{"packages": ["k3s"]}\n');
    writeFileSync(join(ws.imageconfigs, 'emt-k3s.json'), '{"SystemConfigs": [{"PackageLists": ["packagelists/k3s-emt.json"]}]}\n');
    const composed = await composeImage({
      configFile: join(ws.imageconfigs, 'emt-k3s.json'),
      repoDirs: [emtRepo, base],
      outDir: join(ws.dir, 'build/emt-k3s'),
    });
    expect(composed.manifest.kubernetes).toEqual({
      flavor: 'k3s',
      version: 'v1.32.4+k3s1',
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/opt/install.sh',
      airgapImages: [
        { path: '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst', sha256: standins.airgapImages[0]!.sha256 },
      ],
      package: { name: 'k3s', version: '1.32.4+k3s1', release: '2.emt3' },
    });
  });
});
