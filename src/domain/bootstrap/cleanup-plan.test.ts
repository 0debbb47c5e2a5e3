import { describe, expect, it } from 'vitest';
import {
  cleanupCandidates,
  computeCleanupPlan,
  computeK3sInterfaces,
  computeK3sMounts,
  computeK3sProcesses,
  filterK3sIptables,
  parseNetworkLinks,
  type HostEntry,
} from './cleanup-plan.ts';

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

describe('what k3s-killall.sh removes besides files', () => {
  it('unmounts container file systems, pod volumes and pod network namespaces, deepest first, and nothing else', () => {
    expect(
      computeK3sMounts([
        '/',
        '/run',
        '/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs',
        '/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm',
        '/var/lib/kubelet/pods/p1/volumes/kubernetes.io~projected/kube-api-access-x',
        '/var/lib/kubelet/plugins/csi/x',
        '/run/netns/cni-1234',
        '/run/netns/host-ns',
        '/var/lib/rancher',
      ]),
    ).toEqual([
      '/var/lib/kubelet/pods/p1/volumes/kubernetes.io~projected/kube-api-access-x',
      '/var/lib/kubelet/plugins/csi/x',
      '/run/netns/cni-1234',
      '/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs',
      '/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm',
    ]);
  });

  it("deletes pods' veths on cni0, then cni0, flannel's and kube-ipvs0, never the host's own interfaces", () => {
    const links = parseNetworkLinks(
      [
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00',
        '2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000',
        '3: cni0: <BROADCAST,MULTICAST,UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default qlen 1000',
        '4: veth1a2b3c4d@if2: <BROADCAST,MULTICAST,UP> mtu 1450 qdisc noqueue master cni0 state UP mode DEFAULT',
        '5: flannel.1: <BROADCAST,MULTICAST,UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT',
        '6: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT',
        '7: br-lan: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state UP mode DEFAULT',
        '8: veth9@if3: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue master br-lan state UP mode DEFAULT',
      ].join('\n'),
    );
    expect(links[3]).toEqual({ name: 'veth1a2b3c4d', master: 'cni0' });
    expect(computeK3sInterfaces(links)).toEqual(['veth1a2b3c4d', 'cni0', 'flannel.1', 'kube-ipvs0']);
  });

  it("drops K3s's chains and rules from an iptables-save dump as the script's grep does, and keeps the rest", () => {
    const saved = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':KUBE-FORWARD - [0:0]',
      ':FLANNEL-FWD - [0:0]',
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
      '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD',
      '-A FORWARD -j CNI-FORWARD',
      'COMMIT',
      '',
    ].join('\n');
    expect(filterK3sIptables(saved)).toEqual({
      rules: ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT', ''].join('\n'),
      removed: 5,
    });
  });

  it("kills K3s and the whole tree of every shim, found by K3s's data directory in its command line", () => {
    const shim = '/var/lib/rancher/k3s/data/abc/bin/containerd-shim-runc-v2';
    const found = computeK3sProcesses(
      [
        { pid: 10, ppid: 1, argv: ['/usr/local/bin/k3s', 'server'] },
        { pid: 11, ppid: 10, argv: ['containerd'] },
        { pid: 20, ppid: 1, argv: [shim, '-namespace', 'k8s.io'] },
        { pid: 21, ppid: 20, argv: ['/pause'] },
        { pid: 22, ppid: 20, argv: ['nginx'] },
        { pid: 23, ppid: 22, argv: ['nginx: worker'] },
        { pid: 30, ppid: 1, argv: ['/bin/sh', shim, '-id', 'x'] },
        { pid: 31, ppid: 30, argv: ['sleep', 'infinity'] },
        { pid: 40, ppid: 1, argv: ['/usr/sbin/sshd'] },
        { pid: 41, ppid: 1, argv: ['/usr/bin/kubectl', 'server'] },
        { pid: 42, ppid: 1, argv: ['/opt/other/data/abc/bin/containerd-shim'] },
      ],
      '/var/lib/rancher/k3s',
    );
    expect(found).toEqual({ k3s: [10], trees: [11, 20, 21, 22, 23, 30, 31] });
  });
});
