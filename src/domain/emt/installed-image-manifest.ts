/**
 * Decides an EMT image's manifest (image-manifest.ts) from what the image root holds: the EMT package rows,
 * the image identity, and, only when the k3s package is installed, the typed `kubernetes` section.
 */
import { AppError } from '../errors.ts';
import type { AirgapImageFile, EmbeddedKubernetes, ImageIdentity, ImageManifest, ImagePackage } from '../inventory/image-manifest.ts';
import { K3S_UPSTREAM_PROVIDE } from './k3s-package.ts';
import { fromRpmVersion, tryParseKubernetesVersion, type KubernetesVersion } from '../compatibility/k8s-version.ts';

/** A package installed in the image root, as `rpm --root -qa` reports it. */
export interface InstalledPackage {
  name: string;
  version: string;
  release: string;
  arch: string;
  distribution: string;
  url: string;
  license: string;
}

/** What the image root says about its k3s package. */
export interface InstalledK3s {
  package: InstalledPackage;
  /** The package's `Provides:` as name → version (`k3s-upstream-version` → `v1.32.4+k3s1`). */
  provides: Readonly<Record<string, string>>;
  /** Where the package put K3s, read from its file list (`locateK3sFiles`). */
  files: K3sPackageFiles;
  /** The package's air-gap image files (`files.airgapImages`) with their sha256. */
  airgapImages: AirgapImageFile[];
}

/** The k3s package's files that the manifest's kubernetes section names. */
export interface K3sPackageFiles {
  binaryPath: string;
  installScriptPath: string;
  airgapImages: string[];
}

const IMAGE_ARCHIVE = /\.tar(\.gz|\.zst|\.lz4)?$/;

/**
 * Finds K3s in the k3s package's file list (`rpm -ql`): the binary is the `k3s` in a `bin` directory, the install
 * script the `install.sh`, the air-gap images every image archive (*.tar, *.tar.gz, *.tar.zst, *.tar.lz4). EMT's
 * own packages put them in /usr/local/bin or /usr/bin, /opt and /var/lib/rancher; edge-orch's in /usr/local/bin
 * and /usr/share/k3s. A package without a binary or an install script fails, naming what it has.
 */
export function locateK3sFiles(pkg: InstalledPackage, files: readonly string[]): K3sPackageFiles {
  const one = (what: string, test: (path: string) => boolean): string => {
    const found = files.filter(test);
    if (found.length === 1) return found[0]!;
    throw new AppError(
      'InvalidField',
      `package ${pkg.name}-${pkg.version}-${pkg.release} has ${found.length === 0 ? 'no' : `${found.length}`} ${what} in its file list (${files.join(', ') || 'no files'}); the image manifest needs exactly one`,
      { field: 'kubernetes' },
    );
  };
  return {
    binaryPath: one('K3s binary (a k3s in a bin directory)', (p) => /\/s?bin\/k3s$/.test(p)),
    installScriptPath: one('install script (install.sh)', (p) => p.endsWith('/install.sh')),
    airgapImages: files.filter((p) => IMAGE_ARCHIVE.test(p)).sort(),
  };
}

export interface ImageManifestInput {
  packages: readonly InstalledPackage[];
  identity: ImageIdentity;
  k3s: InstalledK3s | null;
}

/** The package name whose presence makes an image embed K3s. */
export const K3S_PACKAGE_NAME = 'k3s';

/** rpm prints `(none)` for a tag the package does not set. */
const tag = (value: string): string => (value === '(none)' ? '' : value);

export function computeImagePackageRow(p: InstalledPackage): ImagePackage {
  return {
    Name: p.name,
    Version: `${p.version}-${p.release}`,
    Architecture: p.arch,
    Distribution: tag(p.distribution),
    URL: tag(p.url),
    License: tag(p.license),
    Modified: 'No',
  };
}

/**
 * The exact upstream K3s version of an installed k3s package: from its RPM version (`1.32.4+k3s1` as EMT writes it, or `1.32.4_k3s1`) and its
 * `k3s-upstream-version` provide, which must agree. A package built otherwise fails: the orchestrator's
 * compatibility check needs the exact string.
 */
export function recoverUpstreamVersion(k3s: Pick<InstalledK3s, 'package' | 'provides'>): KubernetesVersion {
  const fromVersion = fromRpmVersion(k3s.package.version);
  const provided = k3s.provides[K3S_UPSTREAM_PROVIDE];
  const fromProvide = provided === undefined ? null : tryParseKubernetesVersion(provided);
  const pkg = `${k3s.package.name}-${k3s.package.version}-${k3s.package.release}`;
  if (provided !== undefined && !fromProvide) {
    throw new AppError('InvalidField', `package ${pkg} provides ${K3S_UPSTREAM_PROVIDE} = ${provided}, which is not a K3s version`, {
      field: K3S_UPSTREAM_PROVIDE,
    });
  }
  if (fromVersion && fromProvide && fromVersion.raw !== fromProvide.raw) {
    throw new AppError(
      'InvalidField',
      `package ${pkg} has RPM version ${k3s.package.version} (K3s ${fromVersion.raw}) but provides ${K3S_UPSTREAM_PROVIDE} = ${fromProvide.raw}`,
      { field: K3S_UPSTREAM_PROVIDE },
    );
  }
  const version = fromProvide ?? fromVersion;
  if (!version) {
    throw new AppError(
      'InvalidField',
      `cannot tell the K3s version of package ${pkg}: its RPM version is not of the form <major>.<minor>.<patch>+k3s<N> (or _k3s<N>) and it has no ${K3S_UPSTREAM_PROVIDE} provide; build it with edge-orch emt spec k3s`,
      { field: 'Version' },
    );
  }
  return version;
}

export function computeImageManifest({ packages, identity, k3s }: ImageManifestInput): ImageManifest {
  const rows = [...packages].sort((a, b) => a.name.localeCompare(b.name)).map(computeImagePackageRow);
  if (!k3s) return { Repo: rows, image: identity };
  const version = recoverUpstreamVersion(k3s);
  const kubernetes: EmbeddedKubernetes = {
    flavor: version.flavor,
    version: version.raw,
    binaryPath: k3s.files.binaryPath,
    installScriptPath: k3s.files.installScriptPath,
    airgapImages: [...k3s.airgapImages].sort((a, b) => a.path.localeCompare(b.path)),
    package: { name: k3s.package.name, version: k3s.package.version, release: k3s.package.release },
  };
  return { Repo: rows, image: identity, kubernetes };
}
