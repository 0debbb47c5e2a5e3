/**
 * The RPM packages that carry K3s into an EMT image, as decisions: name, RPM version, which source file goes
 * where with which mode. render/emt turns an `EmtPackage` into a SPEC; src/emt builds it.
 */
import { invalidField } from '../errors.ts';
import { parseEmtArch, toRpmArch, type RpmArch } from './arch.ts';
import { KUBERNETES_VERSION_FORM, parseKubernetesVersion, toRpmVersion, tryParseKubernetesVersion } from '../compatibility/k8s-version.ts';
import { EMT_K3S_PATHS } from '../inventory/os-profile.ts';

/** One file the package installs: `source` (a file name in the sources directory) lands at `target`. */
export interface PackageFile {
  source: string;
  target: string;
  mode: number;
  /** A configuration file (`%config(noreplace)`): a changed copy on the host is kept when the package is updated. */
  config?: 'noreplace';
}

export interface EmtPackage {
  name: string;
  /** The RPM `Version:`; for K3s the `toRpmVersion` form (`1.32.4_k3s1`). */
  rpmVersion: string;
  release: string;
  /** `noarch` for packages without machine code. */
  arch: RpmArch | 'noarch';
  summary: string;
  license: string;
  url: string;
  /** Lines of the %description. */
  description: string[];
  /** Extra `Provides:` lines, for example `k3s-upstream-version = v1.32.4+k3s1`. */
  provides: string[];
  files: PackageFile[];
  /** rpm's `_binary_payload` (for example `w3.zstdio`); absent: rpm's default. */
  payload?: string;
  /** Scriptlets in RPM's embedded Lua, which runs in an image root that has no shell. */
  postLua?: string[];
  preunLua?: string[];
  postunLua?: string[];
}

/**
 * The capability every K3s package provides with the exact upstream version (`+` and all), so the version is
 * readable from the RPM without reversing the `Version:` mapping: `rpm -q --provides k3s`.
 */
export const K3S_UPSTREAM_PROVIDE = 'k3s-upstream-version';

/**
 * Where the k3s package puts K3s. Only the binary is where K3s's installer expects it; the install script and
 * the air-gap images stay in the image's read-only part, which an A/B update replaces whole. On EMT, /opt is the
 * persistent partition and /var/lib/rancher is kept on it (seeded from the image with rsync --ignore-existing),
 * so files packaged there keep the first image's bytes after an update. The agent links the verified air-gap
 * images into K3s's images directory before each install (docs/emt.md, "Persistent partitions").
 */
export const K3S_PACKAGE_PATHS = {
  binaryPath: EMT_K3S_PATHS.binaryPath,
  installScriptPath: '/usr/share/k3s/install.sh',
  airgapImagesDir: '/usr/share/k3s/images',
} as const;

/** Where the SELinux policy package puts the policy module, and the module's name. */
export const K3S_SELINUX_POLICY = { source: 'k3s.pp', target: '/usr/share/selinux/packages/k3s.pp', module: 'k3s' } as const;

/** Where K3s looks for extra air-gap images and for charts it deploys on start. */
export const K3S_ADDON_DIRS = { images: EMT_K3S_PATHS.airgapImagesDir, charts: '/var/lib/rancher/k3s/server/static/charts' } as const;

/** The air-gap image tarball's name, as K3s releases name it. */
export const k3sAirgapImagesName = (arch: string): string => `k3s-airgap-images-${arch}.tar.zst`;

// The toolkit's spec checker wants `Release: N%{?dist}`: N is what the SPEC holds.
const RELEASE = /^[1-9][0-9]{0,5}$/;
const RPM_VERSION = /^[0-9][0-9A-Za-z._~^]{0,63}$/;
const ADDON_NAME = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$/;

export function parseRelease(text: unknown, field = '--release'): string {
  if (typeof text === 'string' && RELEASE.test(text)) return text;
  throw invalidField(
    field,
    `${field} ${JSON.stringify(text)} is not an RPM release; expected a positive whole number (for example 1), written as N%{?dist}`,
  );
}

/**
 * A version for the SELinux and addon packages: a Kubernetes version (mapped like the K3s package's) or an
 * RPM version as it is (`1.6.stable.1`). RPM versions cannot carry `-`, `+` or a leading `v`.
 */
export function parsePackageVersion(text: unknown, field = '--version'): string {
  const kubernetes = typeof text === 'string' ? tryParseKubernetesVersion(text) : null;
  if (kubernetes) return toRpmVersion(kubernetes);
  if (typeof text === 'string' && RPM_VERSION.test(text)) return text;
  throw invalidField(
    field,
    `${field} ${JSON.stringify(text)} is not a package version; expected ${KUBERNETES_VERSION_FORM}, or an RPM version of digits, letters, ".", "_" and "~" starting with a digit (for example 1.6.stable.1)`,
  );
}

/**
 * The `k3s` package: the binary, the install script and the air-gap images at K3S_PACKAGE_PATHS. Its RPM
 * version is `toRpmVersion(version)` (`1.32.4+k3s1`, as EMT writes it) and it provides
 * `k3s-upstream-version = <version>`.
 */
export function computeK3sPackage({ version, arch, release = '1' }: { version: unknown; arch: unknown; release?: unknown }): EmtPackage {
  const k8s = parseKubernetesVersion(version, '--version');
  if (k8s.flavor !== 'k3s')
    throw invalidField('--version', `--version ${k8s.raw} is an RKE2 version; the k3s package needs a K3s version (+k3s<N>)`);
  const goArch = parseEmtArch(arch);
  const airgap = k3sAirgapImagesName(goArch);
  return {
    name: 'k3s',
    rpmVersion: toRpmVersion(k8s),
    release: parseRelease(release),
    arch: toRpmArch(goArch),
    summary: 'K3s - Lightweight Kubernetes',
    license: 'Apache-2.0',
    url: 'https://k3s.io/',
    description: [
      `K3s ${k8s.raw} for Edge Microvisor Toolkit images: the k3s binary, and the install script and the air-gap`,
      `images in ${K3S_PACKAGE_PATHS.installScriptPath.replace(/\/[^/]*$/, '')}, for air-gapped installs (INSTALL_K3S_SKIP_DOWNLOAD=true).`,
      `Upstream version: ${k8s.raw}`,
    ],
    provides: [`${K3S_UPSTREAM_PROVIDE} = ${k8s.raw}`],
    files: [
      { source: 'k3s', target: K3S_PACKAGE_PATHS.binaryPath, mode: 0o755 },
      { source: 'install.sh', target: K3S_PACKAGE_PATHS.installScriptPath, mode: 0o755 },
      { source: airgap, target: `${K3S_PACKAGE_PATHS.airgapImagesDir}/${airgap}`, mode: 0o644 },
    ],
  };
}

/**
 * The `k3s-selinux` policy package, listed only on request (EMT has no k3s-selinux or container-selinux):
 * installs the policy module and loads it with semodule when the image has semodule. It declares no `Requires:`.
 */
export function computeK3sSelinuxPackage({ version, release = '1' }: { version: unknown; release?: unknown }): EmtPackage {
  const semodule = (args: string): string[] => [
    'for _, semodule in ipairs({"/usr/sbin/semodule", "/sbin/semodule"}) do',
    '  if posix.access(semodule, "x") then',
    `    rpm.execute(semodule, ${args})`,
    '    break',
    '  end',
    'end',
  ];
  return {
    name: 'k3s-selinux',
    rpmVersion: parsePackageVersion(version),
    release: parseRelease(release),
    arch: 'noarch',
    summary: 'SELinux policy module for K3s',
    license: 'Apache-2.0',
    url: 'https://github.com/k3s-io/k3s-selinux',
    description: [`The SELinux policy module for K3s (${K3S_SELINUX_POLICY.target}), loaded with semodule when the image has it.`],
    provides: [],
    files: [{ source: K3S_SELINUX_POLICY.source, target: K3S_SELINUX_POLICY.target, mode: 0o644 }],
    // semodule only exists where SELinux tools are installed; an image root without them skips loading.
    postLua: semodule(`"-i", "${K3S_SELINUX_POLICY.target}"`),
    // arg[2] is the number of instances left: 0 on erase, 1 on upgrade (keep the module then).
    postunLua: ['if arg[2] == 0 then', ...semodule(`"-r", "${K3S_SELINUX_POLICY.module}"`).map((l) => `  ${l}`), 'end'],
  };
}

/**
 * An optional addon package `k3s-addons-<name>`: extra air-gap image tarballs (`*.tar`, `*.tar.gz`,
 * `*.tar.zst`, `*.tar.lz4`) into the air-gap images directory and Helm charts (`*.tgz`) into K3s's static charts
 * directory. `sourceFiles` are the file names in the sources directory; any other file is an error.
 */
export function computeK3sAddonsPackage({
  name,
  version,
  release = '1',
  sourceFiles,
}: {
  name: unknown;
  version: unknown;
  release?: unknown;
  sourceFiles: readonly string[];
}): EmtPackage {
  if (typeof name !== 'string' || !ADDON_NAME.test(name)) {
    throw invalidField(
      '--name',
      `--name ${JSON.stringify(name)} is not an addon name; expected lowercase letters, digits and "-" (at most 42 characters), for example ingress`,
    );
  }
  const files = [...sourceFiles].sort().map((source): PackageFile => {
    if (!FILE_NAME.test(source))
      throw invalidField(
        `sources/${source}`,
        `source file name ${JSON.stringify(source)} cannot go into a SPEC; expected letters, digits, ".", "_", "+" and "-"`,
      );
    const dir = /\.tgz$/.test(source) ? K3S_ADDON_DIRS.charts : /\.tar(\.gz|\.zst|\.lz4)?$/.test(source) ? K3S_ADDON_DIRS.images : null;
    if (!dir)
      throw invalidField(
        `sources/${source}`,
        `source ${source} is neither an image tarball (*.tar, *.tar.gz, *.tar.zst, *.tar.lz4) nor a Helm chart (*.tgz)`,
      );
    return { source, target: `${dir}/${source}`, mode: 0o644 };
  });
  if (files.length === 0)
    throw invalidField(
      '--sources',
      '--sources holds no image tarballs (*.tar, *.tar.gz, *.tar.zst, *.tar.lz4) or Helm charts (*.tgz) for the addon package',
    );
  return {
    name: `k3s-addons-${name}`,
    rpmVersion: parsePackageVersion(version),
    release: parseRelease(release),
    arch: 'noarch',
    summary: `K3s addon ${name}: extra air-gap images and charts`,
    license: 'Apache-2.0',
    url: 'https://k3s.io/',
    description: [`Extra air-gap image tarballs and Helm charts (${name}) that K3s loads on start.`],
    provides: [],
    files,
  };
}
