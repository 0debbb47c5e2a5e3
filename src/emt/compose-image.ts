/**
 * `edge-orch emt compose`: installs an image config's package lists from a local repository into an image root
 * with `dnf --installroot`, writes the image's manifest (build/<image>/manifest.json and, for the agent on the
 * host, /etc/edge-orch/image-manifest.json inside the root), and optionally packs the root as squashfs.
 * Everything is composed in a temporary sibling of --out and renamed into place at the end.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError, invalidField } from '../domain/errors.ts';
import { parseEmtArch, toRpmArch } from '../domain/emt/arch.ts';
import { computeImageManifest, K3S_PACKAGE_NAME } from '../domain/emt/installed-image-manifest.ts';
import { computePackageSelection, parsePackageList } from '../domain/emt/package-list.ts';
import { DNS_SUBDOMAIN, DNS_SUBDOMAIN_FORM, isRecord } from '../domain/fields.ts';
import { HOST_MANIFEST_PATH, IMAGE_RPM_DB_DIRS } from '../domain/bootstrap/host-root.ts';
import type { ImageIdentity, ImageManifest } from '../domain/inventory/image-manifest.ts';
import { EMT_K3S_PATHS, parseImageManifestProfile } from '../domain/inventory/os-profile.ts';
import { parseJsonSource, toJsonValue } from '../render/emt/json-source-parser.ts';
import { renderImageManifest } from '../render/emt/manifest-json.ts';
import { sha256File } from '../system/sha256-file.ts';
import { siblingTempPath } from '../system/sibling-temp-path.ts';
import { replaceDirectory, requireDirectory } from './files.ts';
import { listRepoPackages, queryInstalledK3s, queryInstalledPackages } from './rpm-query.ts';
import { runTool, toolEnv } from './run-tool.ts';

/** Where composed images keep their rpm database, as EMT does; the agent looks there (domain/bootstrap/host-root.ts). */
export const IMAGE_RPM_DB = IMAGE_RPM_DB_DIRS[0];

export interface ComposeInput {
  configFile: string;
  repoDir: string;
  outDir: string;
  /** The OS profile name; defaults to the config's file name without `.json`. */
  name?: string;
  imageVersion?: string;
  osType?: string;
  arch?: string;
  squashfs?: boolean;
  description?: string;
}

export interface ComposeResult {
  outDir: string;
  manifestFile: string;
  manifest: ImageManifest;
  installed: string[];
  /** Package list entries the local repository does not have (not installed). */
  skipped: string[];
}

export async function composeImage(input: ComposeInput): Promise<ComposeResult> {
  const { configFile, repoDir, outDir, imageVersion = '3.0', osType = 'immutable', arch = 'amd64', squashfs = false } = input;
  const image = basename(configFile, '.json');
  const name = input.name ?? image;
  if (!DNS_SUBDOMAIN.test(name))
    throw invalidField('--name', `--name ${JSON.stringify(name)} is not an OS profile name; expected ${DNS_SUBDOMAIN_FORM}`);
  if (osType !== 'immutable' && osType !== 'mutable')
    throw invalidField('--os-type', `--os-type must be immutable or mutable, got ${JSON.stringify(osType)}`);
  if (!/^[0-9A-Za-z][0-9A-Za-z._+~-]{0,63}$/.test(imageVersion))
    throw invalidField(
      '--image-version',
      `--image-version ${JSON.stringify(imageVersion)} is not a version; expected digits, letters, ".", "_", "-", for example 3.0`,
    );
  const rpmArch = toRpmArch(parseEmtArch(arch));
  const repo = resolve(repoDir);
  // dnf reads --repofrompath as "<id>,<path>".
  if (repo.includes(',')) throw invalidField('--repo', `--repo ${repo} contains ",", which dnf's --repofrompath cannot take`);
  await requireDirectory(repo, '--repo');
  if (
    !(await stat(join(repo, 'repodata', 'repomd.xml')).then(
      () => true,
      () => false,
    ))
  ) {
    throw invalidField('--repo', `--repo ${repo} has no repodata/repomd.xml; index it with edge-orch emt build (createrepo_c)`);
  }

  const requested = await readPackageLists(resolve(configFile));
  const available = (await listRepoPackages(repo)).filter((p) => p.arch === rpmArch || p.arch === 'noarch');
  const { install, skipped } = computePackageSelection(requested, available);
  if (install.length === 0) {
    throw invalidField(
      '--repo',
      `none of the packages of ${configFile} (${requested.join(', ')}) is in ${repo} for ${rpmArch}; build them with edge-orch emt build`,
    );
  }

  const out = resolve(outDir);
  await mkdir(dirname(out), { recursive: true });
  const temp = siblingTempPath(out);
  const home = await mkdtemp(join(tmpdir(), 'edge-orch-compose-'));
  try {
    const rootfs = join(temp, 'rootfs');
    await mkdir(rootfs, { recursive: true });
    // dnf has no --dbpath: rpm reads ~/.rpmmacros, so a private HOME puts the image's database where EMT keeps it.
    await writeFile(join(home, '.rpmmacros'), `%_dbpath ${IMAGE_RPM_DB}\n`);
    await runTool(
      [
        'dnf',
        '--installroot',
        rootfs,
        '--repofrompath',
        `edge-orch-local,${repo}`,
        '--repo',
        'edge-orch-local',
        '--nogpgcheck',
        '--setopt=install_weak_deps=False',
        '--setopt=reposdir=/dev/null',
        '--setopt=keepcache=False',
        '--releasever',
        imageVersion,
        '--forcearch',
        rpmArch,
        '-y',
        'install',
        '--',
        ...install,
      ],
      { env: toolEnv(home) },
    );
    // dnf's metadata cache is not part of the image.
    await rm(join(rootfs, 'var', 'cache', 'dnf'), { recursive: true, force: true });

    const packages = await queryInstalledPackages(rootfs, IMAGE_RPM_DB);
    const k3sPackage = packages.find((p) => p.name === K3S_PACKAGE_NAME);
    const identity: ImageIdentity = { name, version: imageVersion, osType, architecture: rpmArch };
    const k3s = k3sPackage
      ? {
          package: k3sPackage,
          provides: await queryInstalledK3s(rootfs, IMAGE_RPM_DB, k3sPackage.name),
          airgapImages: await hashAirgapImages(rootfs),
        }
      : null;
    // The manifest inside the root cannot carry the squashfs's own sha256; otherwise it equals manifest.json.
    const computed = computeImageManifest({ packages, identity, k3s });
    identity.description = input.description ?? describeImage(image, imageVersion, rpmArch, computed.kubernetes?.version);
    const inImage: ImageManifest = { ...computed, image: identity };
    parseImageManifestProfile(inImage); // what osprofile import will read: fail here rather than there
    await mkdir(join(rootfs, dirname(HOST_MANIFEST_PATH)), { recursive: true });
    await writeFile(join(rootfs, HOST_MANIFEST_PATH), renderImageManifest(inImage), { mode: 0o644 });

    let manifest = inImage;
    if (squashfs) {
      const file = `${image}.squashfs`;
      await runTool(['mksquashfs', rootfs, join(temp, file), '-noappend', '-quiet', '-all-root']);
      manifest = { ...inImage, image: { ...identity, imageUrl: file, imageSha256: await hashComposed(join(temp, file)) } };
    }
    await writeFile(join(temp, 'manifest.json'), renderImageManifest(manifest), { mode: 0o644 });
    await replaceDirectory(temp, out);
    return { outDir: out, manifestFile: join(out, 'manifest.json'), manifest, installed: install, skipped };
  } finally {
    await rm(temp, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}

/** The package list entries of every SystemConfig, in order, read relative to the config's directory. */
async function readPackageLists(configFile: string): Promise<string[]> {
  const text = await readFile(configFile, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw invalidField('--config', `cannot read image config ${configFile}: ${cause.code ?? cause.message}`);
  });
  const config = toJsonValue(parseJsonSource(text, configFile));
  const systemConfigs = isRecord(config) && Array.isArray(config['SystemConfigs']) ? config['SystemConfigs'] : [];
  const lists = systemConfigs.flatMap((c: unknown) => (isRecord(c) && Array.isArray(c['PackageLists']) ? c['PackageLists'] : []));
  if (lists.length === 0)
    throw invalidField(
      'SystemConfigs',
      `${configFile} has no SystemConfigs[].PackageLists; it is not an EMT image config with package lists`,
    );
  const packages: string[] = [];
  for (const list of lists) {
    if (typeof list !== 'string')
      throw invalidField('SystemConfigs/PackageLists', `${configFile}: PackageLists entries must be paths, got ${JSON.stringify(list)}`);
    const file = resolve(dirname(configFile), list);
    const listText = await readFile(file, 'utf8').catch(() => {
      throw invalidField('SystemConfigs/PackageLists', `${configFile} names package list ${list}, but ${file} cannot be read`);
    });
    packages.push(...parsePackageList(toJsonValue(parseJsonSource(listText, file)), file));
  }
  return packages;
}

/** Every regular file in the root's air-gap images directory (K3s imports them all), by its path on the host. */
async function hashAirgapImages(rootfs: string): Promise<{ path: string; sha256: string }[]> {
  const dir = join(rootfs, EMT_K3S_PATHS.airgapImagesDir);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  return Promise.all(files.map(async (f) => ({ path: `${EMT_K3S_PATHS.airgapImagesDir}/${f}`, sha256: await hashComposed(join(dir, f)) })));
}

/** The sha256 of a file this compose just wrote or listed; it is gone only if something else removed it. */
async function hashComposed(path: string): Promise<string> {
  const sha256 = await sha256File(path);
  if (sha256 === null) throw new AppError('InvalidState', `${path} disappeared while the image was being composed`);
  return sha256;
}

function describeImage(image: string, version: string, arch: string, k3sVersion: string | undefined): string {
  return `Edge Microvisor Toolkit ${version} (${image}, ${arch})${k3sVersion ? ` with K3s ${k3sVersion}` : ''}`;
}
