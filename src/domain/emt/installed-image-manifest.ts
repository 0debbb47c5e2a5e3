/**
 * Decides an EMT image's manifest (image-manifest.ts) from what the image root holds: the EMT package rows,
 * the image identity, and, only when the k3s package is installed, the typed `kubernetes` section.
 */
import { AppError } from '../errors.ts';
import type { AirgapImageFile, EmbeddedKubernetes, ImageIdentity, ImageManifest, ImagePackage } from '../inventory/image-manifest.ts';
import { K3S_UPSTREAM_PROVIDE } from './k3s-package.ts';
import { fromRpmVersion, tryParseKubernetesVersion, type KubernetesVersion } from '../compatibility/k8s-version.ts';
import { EMT_K3S_PATHS } from '../inventory/os-profile.ts';

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
  /** The files in the air-gap images directory of the root, with their sha256. */
  airgapImages: AirgapImageFile[];
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
 * The exact upstream K3s version of an installed k3s package: from its RPM version (`1.32.4_k3s1`) and its
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
      `cannot tell the K3s version of package ${pkg}: its RPM version is not of the form <major>.<minor>.<patch>_k3s<N> and it has no ${K3S_UPSTREAM_PROVIDE} provide; build it with edge-orch emt spec k3s`,
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
    binaryPath: EMT_K3S_PATHS.binaryPath,
    installScriptPath: EMT_K3S_PATHS.installScriptPath,
    airgapImages: [...k3s.airgapImages].sort((a, b) => a.path.localeCompare(b.path)),
    package: { name: k3s.package.name, version: k3s.package.version, release: k3s.package.release },
  };
  return { Repo: rows, image: identity, kubernetes };
}
