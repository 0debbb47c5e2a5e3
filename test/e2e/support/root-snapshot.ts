/**
 * What an image root holds outside the paths a host may write: every file, symlink and directory with its type,
 * mode and (for files) sha256. Comparing two snapshots proves nothing wrote into the image itself.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { computeHostRootMounts, DEFAULT_AGENT_STATE_DIR } from '../../../src/domain/bootstrap/host-root.ts';

/**
 * The paths an EMT host may write: the emulated host's writable mounts (EMT's mutable partition for K3s:
 * /etc/rancher, /var/lib/rancher, /var/lib/kubelet, /run, …) and the agent's own state directory (under /var).
 */
export const HOST_WRITABLE_PATHS: readonly string[] = [
  ...computeHostRootMounts({ osType: 'immutable', rpmDb: null })
    .filter((m) => !m.readOnly)
    .map((m) => m.target),
  DEFAULT_AGENT_STATE_DIR,
];

/** `/path` → `type mode [sha256|link target]`, skipping the writable paths and the directories leading to them. */
export async function snapshotImageRoot(root: string, writable: readonly string[] = HOST_WRITABLE_PATHS): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  const excluded = (path: string): boolean => writable.some((w) => path === w || path.startsWith(`${w}/`));
  const leadsToWritable = (path: string): boolean => writable.some((w) => w.startsWith(`${path}/`));
  async function walk(path: string): Promise<void> {
    const info = await lstat(join(root, path));
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) {
      if (path !== '' && !leadsToWritable(path)) snapshot[path] = `dir ${mode}`;
      for (const name of (await readdir(join(root, path))).sort()) {
        const child = `${path}/${name}`;
        if (!excluded(child)) await walk(child);
      }
    } else if (info.isSymbolicLink()) {
      snapshot[path] = `link ${await readlink(join(root, path))}`;
    } else if (info.isFile()) {
      snapshot[path] = `file ${mode} ${createHash('sha256')
        .update(await readFile(join(root, path)))
        .digest('hex')}`;
    } else {
      snapshot[path] = `other ${mode}`;
    }
  }
  await walk('');
  return snapshot;
}
