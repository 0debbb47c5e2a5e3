import { describe, expect, it } from 'vitest';
import { cleanupCandidates, computeCleanupPlan, type HostEntry } from './cleanup-plan.ts';

const dir = (path: string, extra: Partial<HostEntry> = {}): HostEntry => ({ path, kind: 'dir', ...extra });
const file = (path: string): HostEntry => ({ path, kind: 'file' });
const link = (path: string, linkTarget: string): HostEntry => ({ path, kind: 'symlink', linkTarget });

/** A host after an air-gapped install from the EMT RPM: the RPM's files sit among K3s's state. */
const EMT_HOST: HostEntry[] = [
  dir('/etc/rancher/k3s'),
  file('/etc/rancher/k3s/config.yaml'),
  file('/etc/rancher/k3s/k3s.yaml'),
  dir('/var/lib/rancher/k3s'),
  dir('/var/lib/rancher/k3s/agent'),
  dir('/var/lib/rancher/k3s/agent/images'),
  file('/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst'),
  dir('/var/lib/rancher/k3s/agent/etc'),
  file('/var/lib/rancher/k3s/agent/etc/containerd.toml'),
  dir('/var/lib/rancher/k3s/server'),
  file('/var/lib/rancher/k3s/server/node-token'),
  file('/etc/systemd/system/k3s.service'),
  file('/etc/systemd/system/k3s.service.env'),
  link('/etc/systemd/system/multi-user.target.wants/k3s.service', '/etc/systemd/system/k3s.service'),
  file('/usr/local/bin/k3s'),
];
const RPM_FILES = new Set(['/usr/local/bin/k3s', '/opt/install.sh', '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst']);

describe('computeCleanupPlan', () => {
  it('keeps every package-owned file on an immutable OS and the directories that hold them, removing the rest', () => {
    const plan = computeCleanupPlan({ entries: EMT_HOST, packageOwned: RPM_FILES, osType: 'immutable' });
    expect(plan.remove).toEqual([
      '/etc/rancher/k3s',
      '/etc/systemd/system/k3s.service',
      '/etc/systemd/system/k3s.service.env',
      '/etc/systemd/system/multi-user.target.wants/k3s.service',
      '/var/lib/rancher/k3s/agent/etc',
      '/var/lib/rancher/k3s/server',
    ]);
    expect(plan.keep).toEqual([
      { path: '/usr/local/bin/k3s', reason: 'package-owned' },
      { path: '/var/lib/rancher/k3s', reason: 'contains-kept' },
      { path: '/var/lib/rancher/k3s/agent', reason: 'contains-kept' },
      { path: '/var/lib/rancher/k3s/agent/images', reason: 'contains-kept' },
      { path: '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst', reason: 'package-owned' },
    ]);
  });

  it('uninstalls fully on a mutable OS, binary included, whatever packages own', () => {
    const plan = computeCleanupPlan({ entries: EMT_HOST, packageOwned: RPM_FILES, osType: 'mutable' });
    expect(plan.keep).toEqual([]);
    expect(plan.remove).toEqual([
      '/etc/rancher/k3s',
      '/etc/systemd/system/k3s.service',
      '/etc/systemd/system/k3s.service.env',
      '/etc/systemd/system/multi-user.target.wants/k3s.service',
      '/usr/local/bin/k3s',
      '/var/lib/rancher/k3s',
    ]);
  });

  it('removes kubectl, crictl and ctr from the bin directory only when they are symlinks to k3s', () => {
    const entries = [link('/usr/local/bin/kubectl', 'k3s'), file('/usr/local/bin/crictl'), link('/usr/local/bin/ctr', '/usr/bin/ctr')];
    const plan = computeCleanupPlan({ entries, packageOwned: new Set(), osType: 'mutable' });
    expect(plan.remove).toEqual(['/usr/local/bin/kubectl']);
    expect(plan.keep).toEqual([
      { path: '/usr/local/bin/crictl', reason: 'not-k3s' },
      { path: '/usr/local/bin/ctr', reason: 'not-k3s' },
    ]);
  });

  it("treats kubectl inside K3s's own directories as K3s's", () => {
    const entries = [dir('/var/lib/rancher/k3s'), dir('/var/lib/rancher/k3s/bin'), file('/var/lib/rancher/k3s/bin/kubectl')];
    expect(computeCleanupPlan({ entries, packageOwned: new Set(), osType: 'immutable' }).remove).toEqual(['/var/lib/rancher/k3s']);
  });

  it('never deletes a mount point or the directories above it', () => {
    const entries = [
      dir('/var/lib/kubelet'),
      dir('/var/lib/kubelet/pods'),
      dir('/var/lib/kubelet/pods/x', { mountPoint: true }),
      file('/var/lib/kubelet/cpu_manager_state'),
    ];
    const plan = computeCleanupPlan({ entries, packageOwned: new Set(), osType: 'mutable' });
    expect(plan.remove).toEqual(['/var/lib/kubelet/cpu_manager_state']);
    expect(plan.keep.map((k) => [k.path, k.reason])).toEqual([
      ['/var/lib/kubelet', 'contains-kept'],
      ['/var/lib/kubelet/pods', 'contains-kept'],
      ['/var/lib/kubelet/pods/x', 'mount-point'],
    ]);
  });
});

describe('cleanupCandidates', () => {
  it("lists K3s state, the installer's unit, env and helpers in the bin dir, and the files the agent wrote", () => {
    const roots = cleanupCandidates({
      binDir: '/var/lib/rancher/k3s/bin',
      extraFiles: ['/etc/environment.d/50-k3s.conf', '/etc/rancher/k3s'],
    });
    expect(roots).toEqual(
      expect.arrayContaining([
        '/etc/rancher/k3s',
        '/var/lib/rancher/k3s',
        '/var/lib/kubelet',
        '/etc/systemd/system/k3s.service',
        '/etc/systemd/system/k3s.service.env',
        '/etc/systemd/system/multi-user.target.wants/k3s.service',
        '/var/lib/rancher/k3s/bin/k3s',
        '/var/lib/rancher/k3s/bin/kubectl',
        '/var/lib/rancher/k3s/bin/k3s-killall.sh',
        '/var/lib/rancher/k3s/bin/k3s-uninstall.sh',
        '/etc/environment.d/50-k3s.conf',
      ]),
    );
    expect(new Set(roots).size).toBe(roots.length);
    expect(cleanupCandidates()).toContain('/usr/local/bin/k3s');
  });
});
