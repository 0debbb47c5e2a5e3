/**
 * EMT's A/B update on an emulated host root (the directory `edge-orch agent --root` runs on), independent of how
 * the host is started. What survives is what EMT's persistent-mount dracut module keeps (SPECS/persistent-mount,
 * toolkit/imageconfigs/additionalconfigs/layout.env at d00395ed): /opt is the persistent partition itself, and each
 * PERSISTENT_BIND_PATHS entry the emulated host has (/etc/rancher, /etc/systemd, /var/lib/rancher) keeps the
 * host's copy, seeded with the files of the new image it lacks (`rsync --ignore-existing`). Everything else,
 * the rest of /var and /etc included (tmpfs overlays on EMT), is the new image's.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where EMT keeps state across A/B updates, below the emulated host's root. */
export const PERSISTENT_PARTITION = 'opt';
export const PERSISTENT_BIND_PATHS = ['etc/rancher', 'etc/systemd', 'var/lib/rancher'];

/** Replaces `host`'s image with the image root `next`, keeping its persistent paths; a missing `host` is provisioned from `next`. */
export function updateHostRoot(host: string, next: string): void {
  const staged = `${host}.update`;
  rmSync(staged, { recursive: true, force: true });
  cpSync(next, staged, { recursive: true, verbatimSymlinks: true });
  // The partition is written from the first image when the host is provisioned; A/B updates leave it alone.
  if (existsSync(join(host, PERSISTENT_PARTITION))) {
    rmSync(join(staged, PERSISTENT_PARTITION), { recursive: true, force: true });
    renameSync(join(host, PERSISTENT_PARTITION), join(staged, PERSISTENT_PARTITION));
  }
  for (const path of PERSISTENT_BIND_PATHS) {
    const kept = join(host, path);
    if (!existsSync(kept)) continue;
    // rsync -aqHX --ignore-existing <image>/ <kept>/: the image's files only where the host has none.
    if (existsSync(join(staged, path))) cpSync(join(staged, path), kept, { recursive: true, force: false, verbatimSymlinks: true });
    rmSync(join(staged, path), { recursive: true, force: true });
    mkdirSync(dirname(join(staged, path)), { recursive: true });
    renameSync(kept, join(staged, path));
  }
  rmSync(host, { recursive: true, force: true });
  renameSync(staged, host);
}
