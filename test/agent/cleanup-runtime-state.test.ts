/**
 * Cleanup against what a running K3s leaves on a host, on a read-only image where the install script wrote no
 * k3s-killall.sh: in a fresh mount, PID and network namespace the stand-in K3s leaves a containerd shim with
 * children, mounts under /run/k3s and /var/lib/kubelet/pods, a /run/netns/cni-* namespace, cni0 with a pod's
 * veth, flannel.1, and KUBE-/CNI-/FLANNEL iptables and ip6tables chains; after cleanup none of it is left, the
 * host's own interface and rules are, and every file the K3s package owns is byte-identical (rpm -V).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanupResult } from '../../src/agent/cleanup.ts';
import type { InstallResult } from '../../src/agent/run-install.ts';
import { computeBootstrapPlan } from '../../src/domain/bootstrap/bootstrap-plan.ts';
import { renderInstallPlan } from '../../src/render/bootstrap/install-plan.ts';
import type { StandinSources } from '../standins/standin-sources.ts';
import { bootstrapInput, buildCluster, emtProfile, loadTemplate } from './support/plans.ts';
import { createSandbox, valueOf, type ObservedPath, type OpResult, type Sandbox, type SandboxOp } from './support/sandbox.ts';

const IMAGE_PATH = '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst';
const UNIT_FILES = [
  '/etc/systemd/system/k3s.service',
  '/etc/systemd/system/k3s.service.env',
  '/etc/systemd/system/multi-user.target.wants/k3s.service',
];

/** Processes (pid, parent, command line), mount points, interfaces and both rule sets, in sections. */
const HOST_STATE: SandboxOp = {
  op: 'exec',
  argv: [
    'sh',
    '-c',
    [
      'echo "## processes"',
      'for p in /proc/[0-9]*; do s=$(cat "$p/stat" 2>/dev/null) || continue; echo "${p#/proc/} $(echo "${s##*) }" | cut -d" " -f2) $(tr "\\0" " " < "$p/cmdline")"; done',
      'echo "## mounts"',
      'cut -d" " -f2 /proc/self/mounts',
      'echo "## links"',
      'ip -o link show',
      'echo "## iptables"',
      'iptables-save',
      'echo "## ip6tables"',
      'ip6tables-save',
    ].join('\n'),
  ],
};

interface HostState {
  processes: { pid: number; ppid: number; args: string }[];
  mounts: string[];
  links: string[];
  iptables: string;
  ip6tables: string;
}

function hostState(result: OpResult | undefined): HostState {
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of valueOf<{ stdout: string }>(result).stdout.split('\n')) {
    const heading = /^## (\w+)$/.exec(line);
    if (heading) sections.set((current = heading[1]!), []);
    else if (line.trim()) sections.get(current)?.push(line);
  }
  return {
    processes: (sections.get('processes') ?? []).flatMap((line) => {
      const m = /^(\d+) (\d+) ?(.*)$/.exec(line);
      return m && m[3] ? [{ pid: Number(m[1]), ppid: Number(m[2]), args: m[3].trim() }] : [];
    }),
    mounts: sections.get('mounts') ?? [],
    links: (sections.get('links') ?? []).map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? l),
    iptables: (sections.get('iptables') ?? []).join('\n'),
    ip6tables: (sections.get('ip6tables') ?? []).join('\n'),
  };
}

const K3S_RULE = /KUBE-|CNI-|flannel/i;
const isK3sMount = (m: string): boolean => /^\/run\/k3s|^\/var\/lib\/kubelet|^\/run\/netns\/cni-/.test(m);

let sandbox: Sandbox;
let emt: StandinSources;
let results: OpResult[];

beforeAll(async () => {
  sandbox = await createSandbox();
  emt = await sandbox.addImage('emt', { version: 'v1.32.4+k3s1' });
  const template = loadTemplate('baseline-k3s-v0.0.4.json');
  const profile = emtProfile([{ path: IMAGE_PATH, sha256: emt.airgapImages[0]!.sha256 }]);
  const plan = renderInstallPlan(computeBootstrapPlan({ ...bootstrapInput(template, profile), cluster: buildCluster(template, profile) }));
  results = await sandbox.run(
    [
      { op: 'image', source: 'emt', via: 'rpm', readOnlyBin: true },
      // The host's own interface and rules, which cleanup must leave alone.
      {
        op: 'exec',
        argv: [
          'sh',
          '-c',
          'ip link add keep0 type bridge && iptables -A INPUT -p tcp --dport 22 -j ACCEPT && ip6tables -A INPUT -p tcp --dport 22 -j ACCEPT',
        ],
      },
      { op: 'install', options: { plan, hostAddress: '10.0.0.5', timeouts: { readyMs: 10_000, probeIntervalMs: 100 } } },
      HOST_STATE,
      { op: 'cleanup', options: { osType: 'immutable', stopTimeoutMs: 5000 } },
      HOST_STATE,
      { op: 'observe', paths: [...UNIT_FILES, '/usr/local/bin/k3s', '/opt/install.sh', IMAGE_PATH, '/var/lib/cni', '/run/k3s'] },
      { op: 'exec', argv: ['rpm', '-V', '--nodeps', 'k3s-standin'] },
      // A K3s agent (K3S_URL and K3S_TOKEN, as the install script passes them) leaves the same, and goes the same way.
      { op: 'exec', argv: ['/usr/local/bin/k3s', 'agent'] },
      {
        op: 'exec',
        argv: [
          'sh',
          '-c',
          'K3S_URL=https://10.0.0.1:6443 K3S_TOKEN=K10standin nohup /usr/local/bin/k3s agent >/dev/null 2>&1 & ' +
            'for i in $(seq 300); do ip link show cni0 >/dev/null 2>&1 && iptables -n -L KUBE-FORWARD >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1',
        ],
      },
      HOST_STATE,
      { op: 'cleanup', options: { osType: 'immutable', stopTimeoutMs: 5000 } },
      HOST_STATE,
    ],
    { timeoutMs: 110_000 },
  );
});
afterAll(() => sandbox?.dispose());

describe('cleanup of what a running K3s leaves, on a read-only image', () => {
  it('starts from a host with all of it: K3s, a shim with children, mounts, pod netns, interfaces and rules', () => {
    expect(valueOf(results[1])).toMatchObject({ code: 0 });
    expect(valueOf<InstallResult>(results[2]).status).toBe('installed');
    const before = hostState(results[3]);
    const shim = before.processes.find((p) => /\/var\/lib\/rancher\/k3s\/data\/[^/]+\/bin\/containerd-shim-runc-v2 /.test(p.args));
    expect(shim, JSON.stringify(before.processes)).toBeDefined();
    expect(before.processes.filter((p) => p.ppid === shim!.pid).map((p) => p.args)).toEqual(['sleep infinity', 'sleep infinity']);
    expect(before.processes.some((p) => / server\s*$/.test(p.args) && p.args.includes('k3s'))).toBe(true);
    expect(before.mounts.filter((m) => m.startsWith('/run/k3s/containerd/'))).toHaveLength(1);
    expect(before.mounts.filter((m) => m.startsWith('/var/lib/kubelet/pods/'))).toHaveLength(1);
    expect(before.mounts.filter((m) => m.startsWith('/run/netns/cni-'))).toHaveLength(1);
    expect(before.links).toEqual(expect.arrayContaining(['cni0', 'flannel.1', 'keep0']));
    expect(before.links.some((l) => l.startsWith('veth'))).toBe(true);
    for (const chain of [':KUBE-FORWARD', ':CNI-FORWARD', ':FLANNEL-FWD', ':FLANNEL-POSTRTG', ':KUBE-POSTROUTING'])
      expect(before.iptables).toContain(chain);
    expect(before.ip6tables).toContain(':KUBE-FORWARD');
  });

  it('stops K3s and kills every shim with its children; nothing of K3s runs afterwards', () => {
    const cleanup = valueOf<CleanupResult>(results[4]);
    expect(cleanup.failed).toEqual([]);
    expect(cleanup.stoppedWith).toEqual(['signals']); // no k3s-killall.sh on a read-only bin dir, and no systemd here
    const after = hostState(results[5]);
    expect(after.processes.filter((p) => /k3s|containerd-shim|sleep infinity/.test(p.args) && !p.args.startsWith('sh -c'))).toEqual([]);
  });

  it('unmounts and removes K3s mounts and pod network namespaces, and deletes the CNI interfaces only', () => {
    const cleanup = valueOf<CleanupResult>(results[4]);
    expect(cleanup.unmounted).toHaveLength(3);
    expect(cleanup.interfaces).toEqual(expect.arrayContaining(['cni0', 'flannel.1']));
    const after = hostState(results[5]);
    expect(after.mounts.filter(isK3sMount)).toEqual([]);
    expect(after.links.sort()).toEqual(['keep0', 'lo']);
  });

  it("removes K3s's iptables and ip6tables chains and rules, and keeps the host's", () => {
    const cleanup = valueOf<CleanupResult>(results[4]);
    expect(cleanup.iptables.map((t) => t.tool)).toEqual(['iptables', 'ip6tables']);
    expect(cleanup.iptables.every((t) => t.removed > 0)).toBe(true);
    const after = hostState(results[5]);
    expect(after.iptables).not.toMatch(K3S_RULE);
    expect(after.ip6tables).not.toMatch(K3S_RULE);
    expect(after.iptables).toContain('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
    expect(after.ip6tables).toContain('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
  });

  it('runs a K3s agent only with the server URL and token, and cleans up after it as after a server', () => {
    expect(valueOf(results[8])).toMatchObject({ code: 1, output: expect.stringContaining('agent: --server (K3S_URL) is required') });
    expect(valueOf(results[9])).toMatchObject({ code: 0 });
    const before = hostState(results[10]);
    expect(before.processes.some((p) => / agent\s*$/.test(p.args) && p.args.includes('k3s'))).toBe(true);
    expect(before.links).toEqual(expect.arrayContaining(['cni0', 'flannel.1']));
    const cleanup = valueOf<CleanupResult>(results[11]);
    expect(cleanup.failed).toEqual([]);
    const after = hostState(results[12]);
    expect(after.processes.filter((p) => /k3s|containerd-shim|sleep infinity/.test(p.args) && !p.args.startsWith('sh -c'))).toEqual([]);
    expect(after.mounts.filter(isK3sMount)).toEqual([]);
    expect(after.links.sort()).toEqual(['keep0', 'lo']);
    expect(after.iptables).not.toMatch(K3S_RULE);
  });

  it("removes the unit files and K3s's state, and keeps every file the K3s package owns byte-identical", () => {
    const seen = valueOf<Record<string, ObservedPath | null>>(results[6]);
    for (const path of [...UNIT_FILES, '/var/lib/cni', '/run/k3s']) expect(seen[path], path).toBeNull();
    expect(seen['/usr/local/bin/k3s']?.sha256).toBe(emt.k3s.sha256);
    expect(seen['/opt/install.sh']?.sha256).toBe(emt.installScript.sha256);
    expect(seen[IMAGE_PATH]?.sha256).toBe(emt.airgapImages[0]!.sha256);
    expect(valueOf<{ code: number; output: string }>(results[7])).toMatchObject({ code: 0, output: '' });
  });
});
