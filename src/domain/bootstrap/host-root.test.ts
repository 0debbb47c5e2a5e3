import { describe, expect, it } from 'vitest';
import { computeHostRootMounts, isWritableOnHostRoot } from './host-root.ts';

const RPM_DB = { source: '/var/lib/rpm', target: '/root/.rpmdb' };

describe('computeHostRootMounts', () => {
  it('binds the image paths read-only on an immutable image and only K3s state paths writable', () => {
    const mounts = computeHostRootMounts({ osType: 'immutable', rpmDb: RPM_DB });
    expect(
      mounts
        .filter((m) => m.readOnly)
        .map((m) => m.target)
        .sort(),
    ).toEqual(['/etc/edge-orch', '/opt', '/root/.rpmdb', '/usr/local/bin', '/usr/share/k3s']);
    expect(
      mounts
        .filter((m) => !m.readOnly)
        .map((m) => m.target)
        .sort(),
    ).toEqual([
      '/etc/environment.d',
      '/etc/rancher',
      '/etc/systemd/system',
      '/run',
      '/var/lib/cni',
      '/var/lib/kubelet',
      '/var/lib/rancher',
      '/var/log',
    ]);
  });

  it("binds the rpm database from where the image keeps it to where this machine's rpm reads it", () => {
    expect(computeHostRootMounts({ osType: 'immutable', rpmDb: RPM_DB })).toContainEqual({
      source: '/var/lib/rpm',
      target: '/root/.rpmdb',
      readOnly: true,
      owner: 'image',
    });
    expect(computeHostRootMounts({ osType: 'immutable', rpmDb: null }).map((m) => m.target)).not.toContain('/root/.rpmdb');
  });

  it('makes everything writable on a mutable image', () => {
    const mounts = computeHostRootMounts({ osType: 'mutable', rpmDb: null });
    expect(mounts.every((m) => !m.readOnly)).toBe(true);
    expect(mounts.map((m) => m.target)).toContain('/usr/local/bin');
  });

  it('orders parents before children, so a deeper bind is never hidden by a later shallower one', () => {
    const targets = computeHostRootMounts({ osType: 'mutable', rpmDb: RPM_DB }).map((m) => m.target);
    const depths = targets.map((t) => t.split('/').length);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
    expect(targets[0]).toBe('/opt');
  });
});

describe('isWritableOnHostRoot', () => {
  const mounts = computeHostRootMounts({ osType: 'immutable', rpmDb: null });

  it('accepts paths inside writable K3s state mounts', () => {
    expect(isWritableOnHostRoot('/etc/rancher/k3s/config.yaml', mounts)).toBe(true);
    expect(isWritableOnHostRoot('/var/lib/rancher/k3s/server/psa.yaml', mounts)).toBe(true);
    expect(isWritableOnHostRoot('/etc/environment.d/50-k3s.conf', mounts)).toBe(true);
  });

  it('rejects paths in read-only image mounts and paths outside every mount', () => {
    expect(isWritableOnHostRoot('/usr/local/bin/k3s', mounts)).toBe(false);
    expect(isWritableOnHostRoot('/etc/passwd', mounts)).toBe(false);
    expect(isWritableOnHostRoot('/etc/ranchero/x', mounts)).toBe(false);
  });
});
