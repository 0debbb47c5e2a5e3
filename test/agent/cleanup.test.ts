/**
 * The agent removes K3s from emulated hosts: on an immutable host the RPM's files stay byte-identical (rpm -V
 * agrees) and the host can be bootstrapped again; on a mutable host everything goes, binary included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanupResult } from '../../src/agent/cleanup.ts';
import type { InstallResult } from '../../src/agent/run-install.ts';
import { computeBootstrapPlan } from '../../src/domain/bootstrap/bootstrap-plan.ts';
import type { OsProfile } from '../../src/domain/inventory/os-profile.ts';
import type { ClusterTemplate } from '../../src/domain/inventory/template.ts';
import { renderInstallPlan, type InstallPlan } from '../../src/render/bootstrap/install-plan.ts';
import type { StandinSources } from '../standins/standin-sources.ts';
import { bootstrapInput, buildCluster, emtProfile, loadTemplate, ubuntuProfile } from './support/plans.ts';
import { createSandbox, MIRROR_URL, valueOf, type ObservedPath, type Sandbox, type SandboxOp } from './support/sandbox.ts';

const v004 = loadTemplate('baseline-k3s-v0.0.4.json');
const v010 = loadTemplate('baseline-k3s-v0.0.10.json');
const FAST = { readyMs: 10_000, probeIntervalMs: 100 };
const IMAGE_PATH = '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst';
/** Every command line on the (emulated) host, one per line; exited-but-unreaped processes show as empty lines. */
const PROCESSES: SandboxOp = { op: 'exec', argv: ['sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " < "$p/cmdline"; echo; done'] };

let sandbox: Sandbox;
let emt: StandinSources;

beforeAll(async () => {
  sandbox = await createSandbox();
  emt = await sandbox.addImage('emt', { version: 'v1.32.4+k3s1' });
  await sandbox.addMirror(['v1.33.5+k3s1']);
});
afterAll(() => sandbox?.dispose());

function planFor(template: ClusterTemplate, profile: OsProfile, extra: { mirrorUrl?: string } = {}): InstallPlan {
  return renderInstallPlan(computeBootstrapPlan({ ...bootstrapInput(template, profile, extra), cluster: buildCluster(template, profile) }));
}

const k3sServers = (result: unknown): string[] =>
  valueOf<{ stdout: string }>(result as never)
    .stdout.split('\n')
    .filter((l) => / server\s*$/.test(l) && l.includes('k3s'));

describe('cleanupK3s on an immutable host', { timeout: 60_000 }, () => {
  it("stops K3s and removes its state but keeps the RPM's binary, install script and air-gap images byte-identical", async () => {
    const plan = planFor(v004, emtProfile([{ path: IMAGE_PATH, sha256: emt.airgapImages[0]!.sha256 }]));
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'rpm', readOnlyBin: true },
      { op: 'install', options: { plan, hostAddress: '10.0.0.5', timeouts: FAST } },
      PROCESSES,
      { op: 'cleanup', options: { osType: 'immutable', stopTimeoutMs: 5000 } },
      PROCESSES,
      {
        op: 'observe',
        paths: [
          '/usr/local/bin/k3s',
          '/opt/install.sh',
          IMAGE_PATH,
          '/etc/rancher/k3s',
          '/var/lib/rancher/k3s/server',
          '/var/lib/rancher/k3s/edge-orch',
          '/etc/systemd/system/k3s.service',
          '/etc/systemd/system/k3s.service.env',
          '/etc/systemd/system/multi-user.target.wants/k3s.service',
        ],
      },
      { op: 'exec', argv: ['rpm', '-V', '--nodeps', 'k3s-standin'] },
      { op: 'install', options: { plan, hostAddress: '10.0.0.5', timeouts: FAST } },
    ]);
    expect(valueOf<InstallResult>(results[1]).status).toBe('installed');
    expect(k3sServers(results[2])).toHaveLength(1);

    const cleanup = valueOf<CleanupResult>(results[3]);
    expect(cleanup.stoppedWith).toEqual(['signals']); // read-only bin dir: no k3s-killall.sh; no systemd here
    expect(cleanup.failed).toEqual([]);
    expect(cleanup.removed).toEqual(
      expect.arrayContaining([
        '/etc/rancher/k3s',
        '/etc/systemd/system/k3s.service',
        '/etc/systemd/system/k3s.service.env',
        '/etc/systemd/system/multi-user.target.wants/k3s.service',
        '/var/lib/rancher/k3s/server',
        '/var/lib/rancher/k3s/edge-orch',
      ]),
    );
    expect(cleanup.kept).toEqual(
      expect.arrayContaining([
        { path: '/usr/local/bin/k3s', reason: 'package-owned' },
        { path: IMAGE_PATH, reason: 'package-owned' },
        { path: '/var/lib/rancher/k3s/agent/images', reason: 'contains-kept' },
      ]),
    );
    expect(k3sServers(results[4])).toEqual([]);

    const seen = valueOf<Record<string, ObservedPath | null>>(results[5]);
    expect(seen['/usr/local/bin/k3s']?.sha256).toBe(emt.k3s.sha256);
    expect(seen['/opt/install.sh']?.sha256).toBe(emt.installScript.sha256);
    expect(seen[IMAGE_PATH]?.sha256).toBe(emt.airgapImages[0]!.sha256);
    for (const gone of [
      '/etc/rancher/k3s',
      '/var/lib/rancher/k3s/server',
      '/var/lib/rancher/k3s/edge-orch',
      '/etc/systemd/system/k3s.service',
      '/etc/systemd/system/k3s.service.env',
      '/etc/systemd/system/multi-user.target.wants/k3s.service',
    ]) {
      expect(seen[gone], gone).toBeNull();
    }
    expect(valueOf<{ code: number; output: string }>(results[6])).toMatchObject({ code: 0, output: '' });
    // The host is reusable: the same air-gapped install runs again from the kept files.
    expect(valueOf<InstallResult>(results[7]).status).toBe('installed');
  });
});

describe('cleanupK3s on a mutable host', () => {
  it("runs the installer's k3s-killall.sh and uninstalls fully: binary, symlinks, scripts, unit, state and written files", async () => {
    const results = await sandbox.run([
      { op: 'mirror' },
      {
        op: 'install',
        options: { plan: planFor(v010, ubuntuProfile(), { mirrorUrl: MIRROR_URL }), hostAddress: '10.0.0.5', timeouts: FAST },
      },
      { op: 'cleanup', options: { osType: 'mutable' } },
      PROCESSES,
      {
        op: 'observe',
        paths: [
          '/usr/local/bin/k3s',
          '/usr/local/bin/crictl',
          '/usr/local/bin/ctr',
          '/usr/local/bin/k3s-killall.sh',
          '/usr/local/bin/k3s-uninstall.sh',
          '/etc/environment.d/50-k3s.conf',
          '/etc/rancher/k3s',
          '/var/lib/rancher/k3s',
          '/etc/systemd/system/k3s.service',
          '/usr/bin/kubectl',
        ],
      },
    ]);
    expect(valueOf<InstallResult>(results[1]).status).toBe('installed');
    const cleanup = valueOf<CleanupResult>(results[2]);
    // The stand-in k3s-killall.sh stops K3s only; its containerd shim and the shim's children are then killed.
    expect(cleanup.stoppedWith).toEqual(['killall-script', 'signals']);
    expect(cleanup).toMatchObject({ failed: [] });
    expect(cleanup.kept.filter((k) => k.reason !== 'not-k3s')).toEqual([]);
    expect(k3sServers(results[3])).toEqual([]);
    const seen = valueOf<Record<string, ObservedPath | null>>(results[4]);
    for (const path of [
      '/usr/local/bin/k3s',
      '/usr/local/bin/crictl',
      '/usr/local/bin/ctr',
      '/usr/local/bin/k3s-killall.sh',
      '/usr/local/bin/k3s-uninstall.sh',
      '/etc/environment.d/50-k3s.conf',
      '/etc/rancher/k3s',
      '/var/lib/rancher/k3s',
      '/etc/systemd/system/k3s.service',
    ]) {
      expect(seen[path], path).toBeNull();
    }
  });
});
