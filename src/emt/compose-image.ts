/**
 * `edge-orch emt compose`: installs an image config's package lists from a local repository into an image root
 * with `dnf --installroot`, writes the image's manifest (build/<image>/manifest.json and, for the agent on the
 * host, /etc/edge-orch/image-manifest.json inside the root), and optionally packs the root as squashfs.
 * Everything is composed in a temporary sibling of --out and renamed into place at the end.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError, invalidField } from '../domain/errors.ts';
import { parseEmtArch, toRpmArch } from '../domain/emt/arch.ts';
import { computeImageManifest, K3S_PACKAGE_NAME, locateK3sFiles } from '../domain/emt/installed-image-manifest.ts';
import { computePackageSelection, parsePackageList, type ListedRequest } from '../domain/emt/package-list.ts';
import { DNS_SUBDOMAIN, DNS_SUBDOMAIN_FORM, isRecord } from '../domain/fields.ts';
import { HOST_MANIFEST_PATH, IMAGE_RPM_DB_DIRS } from '../domain/bootstrap/host-root.ts';
import type { ImageIdentity, ImageManifest } from '../domain/inventory/image-manifest.ts';
import { parseImageManifestProfile } from '../domain/inventory/os-profile.ts';
import { parseJsonSource, toJsonValue } from '../render/emt/json-source-parser.ts';
import { renderImageManifest } from '../render/emt/manifest-json.ts';
import { sha256File } from '../system/sha256-file.ts';
import { siblingTempPath } from '../system/sibling-temp-path.ts';
import { replaceDirectory, requireDirectory } from './files.ts';
import { listRepoPackages, queryInstalledK3s, queryInstalledPackages, queryPackageFiles } from './rpm-query.ts';
import { runTool, toolEnv } from './run-tool.ts';

/** Where composed images keep their rpm database, as EMT does; the agent looks there (domain/bootstrap/host-root.ts). */
export const IMAGE_RPM_DB = IMAGE_RPM_DB_DIRS[0];

export interface ComposeInput {
  configFile: string;
  /** The repositories to install from: the RPMs built here, and the EMT base repository for a full image. */
  repoDirs: readonly string[];
  /** Package names the repositories may lack (left out of the image); any other unresolvable entry fails. */
  allowMissing?: readonly string[];
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
  /** `name-version-release` of each package dnf was asked to install. */
  installed: string[];
  /** Package list entries no repository has that --allow-missing named (not installed). */
  missing: string[];
}

export async function composeImage(input: ComposeInput): Promise<ComposeResult> {
  const { configFile, repoDirs, outDir, imageVersion = '3.0', osType = 'immutable', arch = 'amd64', squashfs = false } = input;
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
  if (repoDirs.length === 0) throw invalidField('--repo', '--repo names no repository');
  const repos = repoDirs.map((dir) => resolve(dir));
  for (const repo of repos) await requireRepository(repo);

  const requested = await readPackageLists(resolve(configFile));
  const available = (await Promise.all(repos.map(listRepoPackages))).flat().filter((p) => p.arch === rpmArch || p.arch === 'noarch');
  const { install, missing } = computePackageSelection(requested, available, new Set(input.allowMissing ?? []));
  if (install.length === 0) {
    throw invalidField(
      '--repo',
      `none of the packages of ${configFile} (${requested.map((r) => r.request.entry).join(', ')}) is in ${repos.join(', ')} for ${rpmArch}; build them with edge-orch emt build`,
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
        ...repos.flatMap((repo, i) => ['--repofrompath', `edge-orch-${i},${repo}`, '--repo', `edge-orch-${i}`]),
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
    let k3s = null;
    if (k3sPackage) {
      const files = locateK3sFiles(k3sPackage, await queryPackageFiles(rootfs, IMAGE_RPM_DB, k3sPackage.name));
      k3s = {
        package: k3sPackage,
        provides: await queryInstalledK3s(rootfs, IMAGE_RPM_DB, k3sPackage.name),
        files,
        airgapImages: await Promise.all(files.airgapImages.map(async (path) => ({ path, sha256: await hashComposed(join(rootfs, path)) }))),
      };
    }
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
    return { outDir: out, manifestFile: join(out, 'manifest.json'), manifest, installed: install, missing };
  } finally {
    await rm(temp, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}

/** A repository `emt build` indexed: a directory with repodata/repomd.xml, whose path dnf can take. */
async function requireRepository(repo: string): Promise<void> {
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
}

/** The package list entries of every SystemConfig, in order, read relative to the config's directory. */
async function readPackageLists(configFile: string): Promise<ListedRequest[]> {
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
  const requests: ListedRequest[] = [];
  for (const list of lists) {
    if (typeof list !== 'string')
      throw invalidField('SystemConfigs/PackageLists', `${configFile}: PackageLists entries must be paths, got ${JSON.stringify(list)}`);
    const file = resolve(dirname(configFile), list);
    const listText = await readFile(file, 'utf8').catch(() => {
      throw invalidField('SystemConfigs/PackageLists', `${configFile} names package list ${list}, but ${file} cannot be read`);
    });
    requests.push(...parsePackageList(toJsonValue(parseJsonSource(listText, file)), file).map((request) => ({ request, file: list })));
  }
  return requests;
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
