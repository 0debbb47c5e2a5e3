/**
 * An emulated host (`edge-orch agent --root DIR`): a mount namespace in which a host image's K3s-relevant paths
 * are bound at their real locations, because K3s's install script writes absolute paths (DESIGN.md, Agent).
 * This file decides which paths are bound and whether they are writable; src/agent/host-root.ts mounts them.
 */
import type { OsType } from '../inventory/os-profile.ts';

/** Where the image's manifest lives on a host (written into the image root by the EMT image build). */
export const HOST_MANIFEST_PATH = '/etc/edge-orch/image-manifest.json';

/** Where the agent keeps its credential on a host, unless told otherwise. */
export const DEFAULT_AGENT_STATE_DIR = '/var/lib/edge-orch-agent';

/** Where rpm keeps its database in images built by common tools; the first one present in the image is used. */
export const IMAGE_RPM_DB_DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'] as const;

/** One bind mount: `source` (a path inside the image root) appears at `target` on the emulated host. */
export interface HostRootMount {
  source: string;
  target: string;
  readOnly: boolean;
  /** `image`: shipped by the OS image (read-only on an immutable OS); `state`: where K3s and its installer write. */
  owner: 'image' | 'state';
}

export interface HostRootInput {
  /** The image's OS type from its manifest; an image without a manifest counts as mutable. */
  osType: OsType;
  /**
   * The rpm database: `target` is where this machine's rpm reads it (`rpm --eval %{_dbpath}`), `source` where
   * the image keeps it. Null when the machine has no rpm or the image no database: then nothing is bound for it.
   */
  rpmDb: { source: string; target: string } | null;
}

/**
 * Shipped by the image: the embedded K3s binary, its install script (in /opt in EMT's own package, in
 * /usr/share/k3s with the air-gap images in edge-orch's), the manifest.
 */
const IMAGE_PATHS = ['/usr/local/bin', '/usr/share/k3s', '/opt', '/etc/edge-orch'];

/**
 * Written by K3s, its install script and the agent, writable on every OS type (EMT's /etc and /var are
 * writable; only the image's own files are not): K3s's config, data, kubelet and CNI state, the systemd unit
 * the script writes, the environment file templates add, logs, and /run (the stand-in's pid file, /run/k3s).
 */
const STATE_PATHS = [
  '/etc/rancher',
  '/etc/systemd/system',
  '/etc/environment.d',
  '/var/lib/rancher',
  '/var/lib/kubelet',
  '/var/lib/cni',
  '/var/log',
  '/run',
];

/**
 * The bind mounts of an emulated host, parents before children. On an immutable image the image's paths
 * (/usr/local/bin, /opt, /etc/edge-orch, the rpm database) are read-only, as on a real EMT host; on a
 * mutable image everything is writable.
 */
export function computeHostRootMounts({ osType, rpmDb }: HostRootInput): HostRootMount[] {
  const readOnlyImage = osType === 'immutable';
  const mounts: HostRootMount[] = [
    ...IMAGE_PATHS.map((path) => ({ source: path, target: path, readOnly: readOnlyImage, owner: 'image' as const })),
    ...(rpmDb ? [{ source: rpmDb.source, target: rpmDb.target, readOnly: readOnlyImage, owner: 'image' as const }] : []),
    ...STATE_PATHS.map((path) => ({ source: path, target: path, readOnly: false, owner: 'state' as const })),
  ];
  return mounts.sort((a, b) => depth(a.target) - depth(b.target) || a.target.localeCompare(b.target));
}

/**
 * True when `path` lies in a writable mount of the emulated host. Anything else would be written to the
 * machine that emulates the host, so the agent refuses install plans with such files.
 */
export function isWritableOnHostRoot(path: string, mounts: readonly HostRootMount[]): boolean {
  const covering = mounts.filter((m) => path === m.target || path.startsWith(`${m.target}/`));
  // The deepest mount decides: a read-only one inside a writable one wins.
  const deepest = covering.sort((a, b) => depth(b.target) - depth(a.target))[0];
  return deepest !== undefined && !deepest.readOnly;
}

const depth = (path: string): number => path.split('/').length;
