/**
 * Host image roots for tests of emulated hosts (`agent --root`): a K3s RPM built from the stand-in sources and
 * installed with `rpm --root` (so the image's rpm database owns its files), plus the image manifest at
 * /etc/edge-orch/image-manifest.json. Used when the EMT image commands (src/emt) are not at hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HOST_MANIFEST_PATH } from '../../../src/domain/bootstrap/host-root.ts';
import type { ImageManifest } from '../../../src/domain/inventory/image-manifest.ts';
import { fromRpmVersion, parseKubernetesVersion, toRpmVersion } from '../../../src/domain/compatibility/k8s-version.ts';
import { airgapImageName, writeStandinSources, type StandinSources } from '../../standins/standin-sources.ts';

export const EMBEDDED_PATHS = {
  binary: '/usr/local/bin/k3s',
  installScript: '/opt/install.sh',
  airgapImage: `/var/lib/rancher/k3s/agent/images/${airgapImageName()}`,
} as const;

export interface StandinRpm {
  path: string;
  name: string;
  version: string;
  release: string;
  sources: StandinSources;
}

export function run(argv: string[]): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed (${result.status}): ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** Builds `k3s-standin-<rpm version>-1.noarch.rpm` holding the stand-in binary, install script and air-gap images. */
export async function buildStandinK3sRpm(dir: string, version: string): Promise<StandinRpm> {
  const sources = await writeStandinSources(join(dir, 'sources'), { version });
  const rpmVersion = toRpmVersion(parseKubernetesVersion(version));
  if (fromRpmVersion(rpmVersion)?.raw !== version) throw new Error(`RPM version ${rpmVersion} does not round-trip to ${version}`);
  const files: [string, string, string][] = [
    ['k3s', EMBEDDED_PATHS.binary, '0755'],
    ['install.sh', EMBEDDED_PATHS.installScript, '0755'],
    [airgapImageName(), EMBEDDED_PATHS.airgapImage, '0644'],
  ];
  const top = join(dir, 'rpmbuild');
  const spec = [
    'Name: k3s-standin',
    `Version: ${rpmVersion}`,
    'Release: 1',
    'Summary: edge-orch test stand-in for K3s',
    'License: Apache-2.0',
    'BuildArch: noarch',
    'AutoReqProv: no',
    '%global debug_package %{nil}',
    '%global __os_install_post %{nil}',
    '%description',
    'Stand-in K3s files for tests.',
    '%install',
    ...files.map(([name, target, mode]) => `install -D -m ${mode} %{_sourcedir}/${name} %{buildroot}${target}`),
    '%files',
    ...files.map(([, target]) => target),
    '',
  ].join('\n');
  await mkdir(top, { recursive: true });
  await writeFile(join(top, 'k3s-standin.spec'), spec);
  run([
    'rpmbuild',
    '-bb',
    '--quiet',
    '--define',
    `_topdir ${top}`,
    '--define',
    `_sourcedir ${join(dir, 'sources')}`,
    '--define',
    `_tmppath ${top}/tmp`,
    '--define',
    '_build_id_links none',
    join(top, 'k3s-standin.spec'),
  ]);
  return {
    path: join(top, 'RPMS', 'noarch', `k3s-standin-${rpmVersion}-1.noarch.rpm`),
    name: 'k3s-standin',
    version: rpmVersion,
    release: '1',
    sources,
  };
}

/** The manifest of an image that embeds the stand-in RPM's K3s (or none). */
export function renderManifest({
  name,
  osType,
  rpm,
  kubernetesVersion,
}: {
  name: string;
  osType: 'immutable' | 'mutable';
  rpm?: StandinRpm;
  kubernetesVersion?: string;
}): ImageManifest {
  return {
    Repo: rpm
      ? [
          {
            Name: rpm.name,
            Version: `${rpm.version}-${rpm.release}`,
            Architecture: 'noarch',
            Distribution: 'edge-orch-test',
            URL: '',
            License: 'Apache-2.0',
            Modified: '',
          },
        ]
      : [],
    image: { name, version: '1.0.0', osType, architecture: 'x86_64', description: `test image ${name}` },
    ...(rpm && kubernetesVersion
      ? {
          kubernetes: {
            flavor: 'k3s' as const,
            version: kubernetesVersion,
            binaryPath: EMBEDDED_PATHS.binary,
            installScriptPath: EMBEDDED_PATHS.installScript,
            airgapImages: [{ path: EMBEDDED_PATHS.airgapImage, sha256: rpm.sources.airgapImages[0]!.sha256 }],
            package: { name: rpm.name, version: rpm.version, release: rpm.release },
          },
        }
      : {}),
  };
}

/** An image root: the RPM installed with `rpm --root` (database inside the root) and the manifest. */
export async function composeImageRoot(root: string, { rpm, manifest }: { rpm?: StandinRpm; manifest: ImageManifest }): Promise<void> {
  await mkdir(root, { recursive: true });
  if (rpm) run(['rpm', '--root', root, '-i', '--nodeps', '--nosignature', rpm.path]);
  await mkdir(join(root, HOST_MANIFEST_PATH, '..'), { recursive: true });
  await writeFile(join(root, HOST_MANIFEST_PATH), `${JSON.stringify(manifest, null, 2)}\n`);
}
