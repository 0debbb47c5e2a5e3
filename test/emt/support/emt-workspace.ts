/**
 * A workspace for image-side tests: stand-in K3s sources (test/standins), a k3s.pp stand-in, EMT toolkit-style
 * image configs and package lists, a CLI runner, and directory snapshots to prove nothing was half-written.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeStandinSources, type StandinSources } from '../../standins/standin-sources.ts';
import { buildPackage } from '../../../src/emt/build-package.ts';
import { createEdgeOrchCli, type CliResult } from '../../support/edge-orch-cli.ts';

/** An edge image config as the EMT toolkit writes them: four-space indent, a tab-indented block kept as is. */
export const EDGE_IMAGE_CONFIG = `{
    "Disks": [
        {
            "PartitionTableType": "gpt",
            "MaxSize": 4096,
            "Artifacts": [
                {
                    "Name": "edge-readonly",
                    "Type": "raw"
                }
            ]
        }
    ],
    "SystemConfigs": [
        {
            "Name": "Standard",
            "BootType": "efi",
            "PackageLists": [
                "packagelists/core-packages-image.json",
                "packagelists/ssh-server.json"
            ],
            "PostInstallScripts": [
\t\t{
\t\t\t"Path": "additionalconfigs/add-sudoer.sh"
\t\t}
\t    ],
            "KernelCommandLine": {
                "ExtraCommandLine": "quiet splash rd.shell=0",
                "SELinux": "permissive"
            },
            "Hostname": "EdgeMicrovisorToolkit",
            "ImmutabilityEnabled": true
        }
    ]
}
`;

/** Another edge image config, two-space indent. */
export const EDGE_IMAGE_DEV_CONFIG = `{
  "Disks": [
    {
      "PartitionTableType": "gpt",
      "MaxSize": 8192
    }
  ],
  "SystemConfigs": [
    {
      "Name": "Standard",
      "PackageLists": [
        "packagelists/core-packages-image.json",
        "packagelists/developer-packages.json"
      ],
      "KernelCommandLine": {
        "ExtraCommandLine": "console=ttyS0"
      }
    }
  ]
}
`;

/** An image config whose package lists install no K3s (only the SELinux policy package). */
export const NO_K3S_CONFIG = `{
    "SystemConfigs": [
        {
            "Name": "Standard",
            "PackageLists": [
                "packagelists/core-packages-image.json",
                "packagelists/selinux-only.json"
            ]
        }
    ]
}
`;

export interface Workspace {
  dir: string;
  sources: string;
  imageconfigs: string;
  standins: StandinSources;
}

/** A temporary workspace with sources for `version` and the image configs; `extraConfigs` are written too. */
export async function createWorkspace(
  version: string,
  {
    prefix = 'edge-orch-emt-',
    configs = { 'edge-image.json': EDGE_IMAGE_CONFIG, 'edge-image-dev.json': EDGE_IMAGE_DEV_CONFIG },
  }: { prefix?: string; configs?: Record<string, string> } = {},
): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const sources = join(dir, 'sources');
  const standins = await writeStandinSources(sources, { version });
  writeFileSync(join(sources, 'k3s.pp'), 'k3s SELinux policy module stand-in\n');
  const imageconfigs = join(dir, 'toolkit', 'imageconfigs');
  mkdirSync(join(imageconfigs, 'packagelists'), { recursive: true });
  for (const [name, text] of Object.entries(configs)) writeFileSync(join(imageconfigs, name), text);
  const list = (packages: string[]): string => `${JSON.stringify({ packages }, null, 4)}\n`;
  writeFileSync(join(imageconfigs, 'packagelists', 'core-packages-image.json'), list(['filesystem', 'systemd', 'rpm']));
  writeFileSync(join(imageconfigs, 'packagelists', 'ssh-server.json'), list(['openssh-server']));
  writeFileSync(join(imageconfigs, 'packagelists', 'developer-packages.json'), list(['vim']));
  writeFileSync(join(imageconfigs, 'packagelists', 'selinux-only.json'), list(['k3s-selinux']));
  return { dir, sources, imageconfigs, standins };
}

/** Runs the real `edge-orch` CLI in `cwd` (also its HOME). */
export function runCli(args: string[], { cwd, env = {} }: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return createEdgeOrchCli({ home: cwd, env }).run(args);
}

/** Every file under `dir` (hidden ones included) → sha256 of its bytes; a missing directory is empty. */
export function snapshotDir(dir: string): Record<string, string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return {};
  }
  return Object.fromEntries(
    entries
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex')];
      })
      .sort(([a], [b]) => a!.localeCompare(b!)),
  );
}

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** The names the EMT base repository stand-in holds: what the workspace's image configs list besides K3s. */
export const EMT_BASE_PACKAGES = ['filesystem', 'systemd', 'rpm', 'openssh-server', 'vim'];

/**
 * A stand-in for the EMT base repository (the toolkit's own RPMs), built once into `dir` and indexed: empty
 * packages named like EMT's. `filesystem` provides /bin/sh, which the install script requires, and the Node.js
 * the k3s stand-in script names in its first line (RPM's dependency generator makes a package of it require that
 * path; the real K3s is a static binary and requires nothing).
 */
export function buildEmtBaseRepo(dir: string): string {
  const top = join(dir, 'emt-base-build');
  mkdirSync(top, { recursive: true });
  const [first, ...rest] = EMT_BASE_PACKAGES;
  const spec = [
    `Name: ${first}`,
    'Version: 3.0',
    'Release: 1%{?dist}',
    'Summary: EMT base package stand-in',
    'License: MIT',
    'BuildArch: noarch',
    'Provides: /bin/sh',
    `Provides: ${process.execPath}`,
    '%description',
    'EMT base package stand-in.',
    ...rest.flatMap((name) => [
      `%package -n ${name}`,
      'Summary: EMT base package stand-in',
      `%description -n ${name}`,
      'Stand-in.',
      `%files -n ${name}`,
    ]),
    '%files',
    '',
  ].join('\n');
  writeFileSync(join(top, 'emt-base.spec'), spec);
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', 'dist .emt3', join(top, 'emt-base.spec')]);
  const repo = join(dir, 'emt-base');
  mkdirSync(repo, { recursive: true });
  for (const rpm of readdirSync(join(top, 'RPMS', 'noarch')))
    writeFileSync(join(repo, rpm), readFileSync(join(top, 'RPMS', 'noarch', rpm)));
  execFileSync('createrepo_c', ['--quiet', repo]);
  return repo;
}

/** EMT's own k3s SPEC header (SPECS/k3s/k3s.spec at d00395ed; see fixtures/README.md): K3s v1.32.4+k3s1. */
export const EMT_K3S_SPEC = join(import.meta.dirname, '..', 'fixtures', 'k3s-emt-header.spec');

/**
 * Builds EMT's own k3s SPEC with `emt build` into `repo`, from the stand-in release files named as its Sources
 * name them (k3s-v1.32.4, k3s-airgap-images-v1.32.4.tar.zst, k3s-install-v1.32.4.sh), signed in a
 * signatures file next to it. Returns the RPM and the stand-ins.
 */
export async function buildEmtOwnK3s(dir: string, repo: string): Promise<{ rpm: string; standins: StandinSources }> {
  const specDir = join(dir, 'SPECS-emt', 'k3s');
  const sources = join(dir, 'sources-emt');
  mkdirSync(specDir, { recursive: true });
  mkdirSync(sources, { recursive: true });
  copyFileSync(EMT_K3S_SPEC, join(specDir, 'k3s.spec'));
  const standins = await writeStandinSources(join(dir, 'standins-emt'), { version: 'v1.32.4+k3s1' });
  const named = {
    'k3s-v1.32.4': standins.k3s,
    'k3s-airgap-images-v1.32.4.tar.zst': standins.airgapImages[0]!,
    'k3s-install-v1.32.4.sh': standins.installScript,
  };
  for (const [name, file] of Object.entries(named)) copyFileSync(file.path, join(sources, name));
  writeFileSync(
    join(specDir, 'k3s.signatures.json'),
    JSON.stringify({ Signatures: Object.fromEntries(Object.entries(named).map(([name, file]) => [name, file.sha256])) }),
  );
  const built = await buildPackage({ specDir, sourcesDir: sources, repoDir: repo });
  return { rpm: built.rpms[0]!, standins };
}
