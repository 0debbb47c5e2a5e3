/**
 * What removing K3s from a host deletes and what it keeps, decided from a listing of the host (I/O is the
 * agent's). On an immutable OS every file an installed OS package owns stays (the embedded binary, the install
 * script, the air-gap images); on a mutable OS K3s is uninstalled fully, binary included (DESIGN.md, Deletion).
 */
import { K3S_HOST_PATHS } from './k3s-host-paths.ts';
import type { OsType } from '../inventory/os-profile.ts';

/** One path on the host as the agent saw it (lstat: symlinks are not followed). */
export interface HostEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  /** The symlink's target as stored, for symlinks. */
  linkTarget?: string;
  /** True when a file system is mounted here: it is unmounted first, and never deleted through. */
  mountPoint?: boolean;
}

export type KeepReason = 'package-owned' | 'mount-point' | 'not-k3s' | 'contains-kept';

export interface CleanupPlan {
  /** Top-most paths to delete (recursively for directories); nothing kept lies under them. */
  remove: string[];
  keep: { path: string; reason: KeepReason }[];
}

/** Commands K3s's installer links to the k3s binary; a real program of the same name is not K3s's to remove. */
const K3S_LINKS = ['kubectl', 'crictl', 'ctr'];

/**
 * Where K3s and its installer leave things: the roots to list before computing a cleanup plan. `binDir` is where
 * the install put the binary; `extraFiles` are files the agent wrote outside these roots (template files).
 */
export function cleanupCandidates({
  binDir = K3S_HOST_PATHS.defaultBinDir,
  extraFiles = [],
}: { binDir?: string; extraFiles?: string[] } = {}): string[] {
  const systemd = K3S_HOST_PATHS.systemdDir;
  const units = ['k3s.service', 'k3s-agent.service'];
  return unique([
    '/etc/rancher/k3s',
    '/etc/rancher/node',
    K3S_HOST_PATHS.dataDir,
    '/var/lib/kubelet',
    '/var/lib/cni',
    '/run/k3s',
    '/run/flannel',
    ...units.flatMap((u) => [`${systemd}/${u}`, `${systemd}/${u}.env`, `${systemd}/multi-user.target.wants/${u}`]),
    ...['k3s', ...K3S_LINKS, 'k3s-killall.sh', 'k3s-uninstall.sh', 'k3s-agent-uninstall.sh'].map((name) => `${binDir}/${name}`),
    ...extraFiles,
  ]);
}

/**
 * Given every entry under the candidate roots, the set of paths owned by installed OS packages and the OS type,
 * decides what goes. Kept: package-owned paths (immutable OS only), mount points, kubectl/crictl/ctr that are
 * not symlinks to k3s, and every directory that contains something kept.
 */
export function computeCleanupPlan({
  entries,
  packageOwned,
  osType,
}: {
  entries: HostEntry[];
  packageOwned: ReadonlySet<string>;
  osType: OsType;
}): CleanupPlan {
  const paths = new Set(entries.map((e) => e.path));
  const keep = new Map<string, KeepReason>();
  for (const entry of entries) {
    const reason = ownKeepReason(entry, { packageOwned, osType, listedAsRoot: !paths.has(parentOf(entry.path) ?? '') });
    if (reason) keep.set(entry.path, reason);
  }
  for (const path of [...keep.keys()]) {
    for (let dir = parentOf(path); dir !== null; dir = parentOf(dir)) {
      if (paths.has(dir) && !keep.has(dir)) keep.set(dir, 'contains-kept');
    }
  }
  const doomed = entries.map((e) => e.path).filter((p) => !keep.has(p));
  const doomedSet = new Set(doomed);
  const remove = doomed.filter((p) => !ancestors(p).some((a) => doomedSet.has(a)));
  return {
    remove: [...new Set(remove)].sort(),
    keep: [...keep].map(([path, reason]) => ({ path, reason })).sort((a, b) => a.path.localeCompare(b.path)),
  };
}

function ownKeepReason(
  entry: HostEntry,
  { packageOwned, osType, listedAsRoot }: { packageOwned: ReadonlySet<string>; osType: OsType; listedAsRoot: boolean },
): KeepReason | null {
  if (entry.mountPoint) return 'mount-point';
  if (osType === 'immutable' && packageOwned.has(entry.path)) return 'package-owned';
  // A kubectl/crictl/ctr named on its own (in the bin directory) is K3s's only when it links to k3s; inside
  // K3s's own directories everything is K3s's.
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  const linksToK3s = entry.kind === 'symlink' && /(^|\/)k3s$/.test(entry.linkTarget ?? '');
  if (listedAsRoot && K3S_LINKS.includes(name) && !linksToK3s) return 'not-k3s';
  return null;
}

function parentOf(path: string): string | null {
  const i = path.lastIndexOf('/');
  return i <= 0 ? null : path.slice(0, i);
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let dir = parentOf(path); dir !== null; dir = parentOf(dir)) out.push(dir);
  return out;
}

const unique = (list: string[]): string[] => [...new Set(list)];
