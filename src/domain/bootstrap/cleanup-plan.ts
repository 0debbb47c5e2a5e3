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

/**
 * Where K3s mounts things that k3s-killall.sh unmounts and removes: container root file systems and the
 * containerd state, pod volumes, CSI plugins, and pod network namespaces. Matched as prefixes, as the script does.
 */
export const K3S_MOUNT_PREFIXES = ['/run/k3s', '/var/lib/kubelet/pods', '/var/lib/kubelet/plugins', '/run/netns/cni-'];

/** The mount points to unmount and remove, deepest first so a mount inside another goes before it. */
export function computeK3sMounts(mountPoints: Iterable<string>): string[] {
  return [...new Set(mountPoints)]
    .filter((p) => K3S_MOUNT_PREFIXES.some((prefix) => p.startsWith(prefix)))
    .sort((a, b) => b.localeCompare(a));
}

/** Network interfaces K3s's CNI (flannel, and Calico's vxlan when used) and kube-proxy in IPVS mode create. */
const K3S_INTERFACES = ['cni0', 'kube-ipvs0', 'vxlan.calico'];

/** One network interface as `ip -o link show` lists it. */
export interface NetworkLink {
  name: string;
  /** The bridge it is attached to (`master cni0` for a pod's veth). */
  master?: string;
}

/**
 * The interfaces to delete, as k3s-killall.sh does: every interface attached to cni0 (pods' veths), then cni0,
 * the flannel interfaces (flannel.1, flannel-v6.1, flannel-wg, flannel-wg-v6) and kube-ipvs0.
 */
export function computeK3sInterfaces(links: readonly NetworkLink[]): string[] {
  const attached = links.filter((l) => l.master === 'cni0').map((l) => l.name);
  const own = links.filter((l) => K3S_INTERFACES.includes(l.name) || l.name.startsWith('flannel')).map((l) => l.name);
  return [...new Set([...attached, ...own])];
}

/** Reads `ip -o link show`: `3: veth1@if2: <…> mtu 1500 … master cni0 state …`, one interface a line. */
export function parseNetworkLinks(text: string): NetworkLink[] {
  return text.split('\n').flatMap((line) => {
    const m = /^\d+:\s+([^:\s@]+)(?:@\S+)?:/.exec(line);
    if (!m) return [];
    const master = /\smaster\s+(\S+)/.exec(line)?.[1];
    return [{ name: m[1]!, ...(master ? { master } : {}) }];
  });
}

/**
 * An iptables-save (or ip6tables-save) dump without K3s's chains and rules: every line naming a KUBE- or CNI-
 * chain or flannel (any case) goes, as `grep -v KUBE- | grep -v CNI- | grep -iv flannel` in k3s-killall.sh.
 * iptables-restore then replaces each table in the dump with what is left; every other rule stays.
 */
export function filterK3sIptables(saved: string): { rules: string; removed: number } {
  const lines = saved.split('\n');
  const kept = lines.filter((line) => !/KUBE-|CNI-/.test(line) && !/flannel/i.test(line));
  return { rules: kept.join('\n'), removed: lines.length - kept.length };
}

/** A process as /proc shows it. */
export interface HostProcess {
  pid: number;
  ppid: number;
  argv: string[];
}

/**
 * The processes to stop: `k3s server|agent` (the binary is argv[0], or argv[1] when an interpreter runs it),
 * and every process in the tree of K3s's containerd shims (found anywhere in their command line, as
 * k3s-killall.sh's getshims does) and of K3s itself, so the containers' processes go with them.
 */
export function computeK3sProcesses(processes: readonly HostProcess[], dataDir: string): { k3s: number[]; trees: number[] } {
  const shim = new RegExp(`(^|\\s)${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/data/[^/\\s]+/bin/containerd-shim`);
  const k3s = processes
    .filter(({ argv }) => {
      const at = [0, 1].find((i) => /(^|\/)k3s$/.test(argv[i] ?? ''));
      return at !== undefined && ['server', 'agent'].includes(argv[at + 1] ?? '');
    })
    .map((p) => p.pid);
  const shims = processes.filter(({ argv }) => shim.test(argv.join(' '))).map((p) => p.pid);
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const trees = new Set<number>();
  const visit = (pid: number): void => {
    if (trees.has(pid)) return;
    trees.add(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  for (const pid of [...shims, ...k3s]) visit(pid);
  return { k3s, trees: [...trees].filter((pid) => !k3s.includes(pid)).sort((a, b) => a - b) };
}
