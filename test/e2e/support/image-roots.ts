/**
 * The two host images of the end-to-end test, both made the way docs/emt.md says, with the real `edge-orch emt`
 * commands (spec → build → packagelist → imageconfig add-packagelist → compose). Both carry the edge-orch-agent
 * RPM (test/emt/support/agent-rpm.ts, built once per code version), whose unit starts the agent on boot and whose
 * Node.js runtime also runs the K3s stand-in. The EMT image adds the k3s RPM built from the K3s stand-in sources
 * and the given install script (K3s's real one where available); the Ubuntu-like mutable image has no K3s, which
 * its hosts download from the mirror. Each image's OS profile is the manifest.json compose wrote next to its root.
 * More versions of the EMT image (another embedded K3s, another image version of the same OS profile) are built
 * the same way when asked, each from its own sources, spec and repository.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_PACKAGE_PATHS } from '../../../src/domain/emt/agent-package.ts';
import type { ImageManifest } from '../../../src/domain/inventory/image-manifest.ts';
import { buildAgentRpm, buildRuntimeLibsRepo } from '../../emt/support/agent-rpm.ts';
import { buildEmtBaseRepo } from '../../emt/support/emt-workspace.ts';
import { writeStandinSources, type StandinSizes } from '../../standins/standin-sources.ts';
import type { EdgeOrchCli } from '../../support/edge-orch-cli.ts';

export interface ImageRoots {
  /** The EMT image root (build/<image>/rootfs). */
  emt: string;
  /** The manifest `edge-orch emt compose` wrote next to the root; imported as the EMT OS profile. */
  emtManifest: string;
  /** The files the k3s RPM installs, as the manifest names them. */
  embedded: { binary: string; installScript: string; airgapImage: string };
  /** The Ubuntu-like image root (build/ubuntu-image/rootfs). */
  ubuntu: string;
  ubuntuManifest: string;
  emtProfile: string;
  ubuntuProfile: string;
  /** The further EMT image versions asked for, in the order asked. */
  moreEmt: EmtImageVersion[];
}

/** Another version of the EMT image: the same OS profile name, another image version and embedded K3s. */
export interface EmtImageVersion {
  k3sVersion: string;
  imageVersion: string;
  root: string;
  manifest: string;
}

/**
 * An EMT toolkit edge image config: the OS's own package lists, to which `imageconfig add-packagelist` adds k3s
 * and edge-orch-agent.
 */
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

/** The Ubuntu-like image: the same OS stand-in packages and the agent, without K3s. */
const UBUNTU_IMAGE_CONFIG = `{
    "SystemConfigs": [
        {
            "Name": "Standard",
            "PackageLists": [
                "packagelists/core-packages-image.json",
                "packagelists/edge-orch-agent.json"
            ]
        }
    ]
}
`;

/**
 * Builds both images under `dir`; `cli` runs in `dir` (the `emt` commands need no server). With `sizes`, the EMT
 * image's K3s binary and air-gap images have those sizes (real K3s sizes, for benchmarks).
 */
export async function prepareImageRoots(
  dir: string,
  {
    emtVersion,
    installScript,
    cli,
    sizes,
    moreEmt = [],
  }: {
    emtVersion: string;
    installScript: string;
    cli: EdgeOrchCli;
    sizes?: StandinSizes;
    /** Further EMT images to build; the first one is image version 3.0 and embeds `emtVersion`. */
    moreEmt?: { k3sVersion: string; imageVersion: string }[];
  },
): Promise<ImageRoots> {
  const emtProfile = 'emt-k3s-e2e';
  const ubuntuProfile = 'ubuntu-e2e';
  await writeStandinSources(join(dir, 'sources'), {
    version: emtVersion,
    installScript,
    nodePath: AGENT_PACKAGE_PATHS.runtime,
    ...(sizes ? { sizes } : {}),
  });
  const imageconfigs = join(dir, 'toolkit', 'imageconfigs');
  await mkdir(join(imageconfigs, 'packagelists'), { recursive: true });
  await writeFile(join(imageconfigs, 'edge-image.json'), EDGE_IMAGE_CONFIG);
  await writeFile(
    join(imageconfigs, 'packagelists', 'core-packages-image.json'),
    `${JSON.stringify({ packages: ['filesystem', 'systemd', 'rpm'] }, null, 4)}\n`,
  );

  await writeFile(join(imageconfigs, 'ubuntu-image.json'), UBUNTU_IMAGE_CONFIG);
  const addPackageList = (list: string) =>
    cli.ok([
      'emt',
      'imageconfig',
      'add-packagelist',
      `packagelists/${list}`,
      '--dir',
      'toolkit/imageconfigs',
      '--config',
      'edge-image.json',
    ]);

  const [agent] = await Promise.all([
    buildAgentRpm(),
    cli.ok(['emt', 'spec', 'k3s', '--version', emtVersion, '--arch', 'amd64', '--sources', 'sources', '--out', 'SPECS/k3s']),
    // Both lists go into the same config, one after the other.
    cli
      .ok(['emt', 'packagelist', 'k3s', '--out', 'toolkit/imageconfigs/packagelists/k3s.json'])
      .then(() => cli.ok(['emt', 'packagelist', 'edge-orch-agent', '--out', 'toolkit/imageconfigs/packagelists/edge-orch-agent.json']))
      .then(() => addPackageList('k3s.json'))
      .then(() => addPackageList('edge-orch-agent.json')),
  ]);
  await cli.ok(['emt', 'build', '--spec', 'SPECS/k3s', '--sources', 'sources', '--repo', 'repo']);
  // The images' own packages (filesystem, systemd, rpm) come from a stand-in EMT base repository, and the
  // libraries the agent's runtime links against from a stand-in of EMT's glibc.
  const baseRepos = [agent.repo, buildEmtBaseRepo(dir), buildRuntimeLibsRepo(dir, agent.rpm)];
  const compose = (config: string, out: string, name: string, repos: string[], extra: string[] = []) =>
    cli.ok(['emt', 'compose', '--config', `toolkit/imageconfigs/${config}`, '--repo', ...repos, '--out', out, '--name', name, ...extra]);
  await compose('edge-image.json', 'build/edge-image', emtProfile, ['repo', ...baseRepos]);
  await compose('ubuntu-image.json', 'build/ubuntu-image', ubuntuProfile, baseRepos, ['--os-type', 'mutable']);
  const more: EmtImageVersion[] = [];
  for (const { k3sVersion, imageVersion } of moreEmt) {
    const sources = `sources-${k3sVersion}`;
    const spec = `SPECS/k3s-${k3sVersion}`;
    const repo = `repo-${k3sVersion}`;
    const out = `build/edge-image-${imageVersion}`;
    await writeStandinSources(join(dir, sources), { version: k3sVersion, installScript, nodePath: AGENT_PACKAGE_PATHS.runtime });
    await cli.ok(['emt', 'spec', 'k3s', '--version', k3sVersion, '--arch', 'amd64', '--sources', sources, '--out', spec]);
    await cli.ok(['emt', 'build', '--spec', spec, '--sources', sources, '--repo', repo]);
    await compose('edge-image.json', out, emtProfile, [repo, ...baseRepos], ['--image-version', imageVersion]);
    await mkdir(join(dir, out, 'rootfs', 'opt'), { recursive: true });
    await readEmbedded(join(dir, out, 'manifest.json'), k3sVersion);
    more.push({ k3sVersion, imageVersion, root: join(dir, out, 'rootfs'), manifest: join(dir, out, 'manifest.json') });
  }

  // EMT images carry /opt as the mount point of its persistent partition, whatever packages they hold.
  await mkdir(join(dir, 'build', 'edge-image', 'rootfs', 'opt'), { recursive: true });
  const emtManifest = join(dir, 'build', 'edge-image', 'manifest.json');
  const k8s = await readEmbedded(emtManifest, emtVersion);
  return {
    emt: join(dir, 'build', 'edge-image', 'rootfs'),
    emtManifest,
    embedded: { binary: k8s.binaryPath, installScript: k8s.installScriptPath, airgapImage: k8s.airgapImages[0]!.path },
    ubuntu: join(dir, 'build', 'ubuntu-image', 'rootfs'),
    ubuntuManifest: join(dir, 'build', 'ubuntu-image', 'manifest.json'),
    emtProfile,
    ubuntuProfile,
    moreEmt: more,
  };
}

/** The K3s section of an EMT image's manifest, checked to embed `version` with one air-gap file. */
async function readEmbedded(manifestFile: string, version: string): Promise<NonNullable<ImageManifest['kubernetes']>> {
  const k8s = (JSON.parse(await readFile(manifestFile, 'utf8')) as ImageManifest).kubernetes;
  if (k8s?.version !== version || k8s.airgapImages.length !== 1)
    throw new Error(`${manifestFile} does not embed K3s ${version} with one air-gap file: ${JSON.stringify(k8s)}`);
  return k8s;
}
