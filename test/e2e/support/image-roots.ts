/**
 * The two host images of the end-to-end test. The EMT image is made the way docs/emt.md says, with the real
 * `edge-orch emt` commands (spec → build → packagelist → imageconfig add-packagelist → compose) from the K3s
 * stand-in sources and the given install script (K3s's real one where available); its OS profile is the composed build/<image>/manifest.json. The Ubuntu-like mutable image
 * has no K3s and no RPMs, only the image manifest the agent reads (test/agent/support/image-root.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageManifest } from '../../../src/domain/inventory/image-manifest.ts';
import { composeImageRoot, renderManifest } from '../../agent/support/image-root.ts';
import { buildEmtBaseRepo } from '../../emt/support/emt-workspace.ts';
import { writeStandinSources } from '../../standins/standin-sources.ts';
import type { EdgeOrchCli } from '../../support/edge-orch-cli.ts';

export interface ImageRoots {
  /** The EMT image root (build/<image>/rootfs). */
  emt: string;
  /** The manifest `edge-orch emt compose` wrote next to the root; imported as the EMT OS profile. */
  emtManifest: string;
  /** The files the k3s RPM installs, as the manifest names them. */
  embedded: { binary: string; installScript: string; airgapImage: string };
  ubuntu: string;
  ubuntuManifest: string;
  emtProfile: string;
  ubuntuProfile: string;
}

/** An EMT toolkit edge image config: the OS's own package lists, to which `imageconfig add-packagelist` adds k3s. */
const EDGE_IMAGE_CONFIG = `{
    "SystemConfigs": [
        {
            "Name": "Standard",
            "BootType": "efi",
            "PackageLists": [
                "packagelists/core-packages-image.json"
            ],
            "Hostname": "EdgeMicrovisorToolkit",
            "ImmutabilityEnabled": true
        }
    ]
}
`;

/** Builds both images under `dir`; `cli` runs in `dir` (the `emt` commands need no server). */
export async function prepareImageRoots(
  dir: string,
  { emtVersion, installScript, cli }: { emtVersion: string; installScript: string; cli: EdgeOrchCli },
): Promise<ImageRoots> {
  const emtProfile = 'emt-k3s-e2e';
  const ubuntuProfile = 'ubuntu-e2e';
  await writeStandinSources(join(dir, 'sources'), { version: emtVersion, installScript });
  const imageconfigs = join(dir, 'toolkit', 'imageconfigs');
  await mkdir(join(imageconfigs, 'packagelists'), { recursive: true });
  await writeFile(join(imageconfigs, 'edge-image.json'), EDGE_IMAGE_CONFIG);
  await writeFile(
    join(imageconfigs, 'packagelists', 'core-packages-image.json'),
    `${JSON.stringify({ packages: ['filesystem', 'systemd', 'rpm'] }, null, 4)}\n`,
  );

  const ubuntu = join(dir, 'ubuntu-root');
  const [, , ubuntuManifest] = await Promise.all([
    cli.ok(['emt', 'spec', 'k3s', '--version', emtVersion, '--arch', 'amd64', '--sources', 'sources', '--out', 'SPECS/k3s']),
    cli
      .ok(['emt', 'packagelist', 'k3s', '--out', 'toolkit/imageconfigs/packagelists/k3s.json'])
      .then(() =>
        cli.ok([
          'emt',
          'imageconfig',
          'add-packagelist',
          'packagelists/k3s.json',
          '--dir',
          'toolkit/imageconfigs',
          '--config',
          'edge-image.json',
        ]),
      ),
    composeUbuntuRoot(ubuntu, ubuntuProfile),
  ]);
  await cli.ok(['emt', 'build', '--spec', 'SPECS/k3s', '--sources', 'sources', '--repo', 'repo']);
  // The image's own packages (filesystem, systemd, rpm) come from a stand-in EMT base repository.
  buildEmtBaseRepo(dir);
  await cli.ok([
    'emt',
    'compose',
    '--config',
    'toolkit/imageconfigs/edge-image.json',
    '--repo',
    'repo',
    'emt-base',
    '--out',
    'build/edge-image',
    '--name',
    emtProfile,
  ]);

  // EMT images carry /opt as the mount point of its persistent partition, whatever packages they hold.
  await mkdir(join(dir, 'build', 'edge-image', 'rootfs', 'opt'), { recursive: true });
  const emtManifest = join(dir, 'build', 'edge-image', 'manifest.json');
  const manifest = JSON.parse(await readFile(emtManifest, 'utf8')) as ImageManifest;
  const k8s = manifest.kubernetes;
  if (k8s?.version !== emtVersion || k8s.airgapImages.length !== 1)
    throw new Error(`${emtManifest} does not embed K3s ${emtVersion} with one air-gap file: ${JSON.stringify(k8s)}`);
  return {
    emt: join(dir, 'build', 'edge-image', 'rootfs'),
    emtManifest,
    embedded: { binary: k8s.binaryPath, installScript: k8s.installScriptPath, airgapImage: k8s.airgapImages[0]!.path },
    ubuntu,
    ubuntuManifest,
    emtProfile,
    ubuntuProfile,
  };
}

/** A mutable image without K3s: only its manifest (at the path the agent reads), also written next to the root. */
async function composeUbuntuRoot(root: string, name: string): Promise<string> {
  const manifest = renderManifest({ name, osType: 'mutable' });
  await composeImageRoot(root, { manifest });
  const file = `${root}.manifest.json`;
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}
