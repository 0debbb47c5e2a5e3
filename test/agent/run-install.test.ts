/**
 * The agent installs K3s on emulated hosts (mount/PID/network namespaces, see support/sandbox.ts) with the K3s
 * stand-ins: air-gapped on an immutable EMT-like host whose K3s comes from an RPM, by download on a mutable one.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { InstallResult } from '../../src/agent/run-install.ts';
import { computeBootstrapPlan } from '../../src/domain/bootstrap/bootstrap-plan.ts';
import type { OsProfile } from '../../src/domain/inventory/os-profile.ts';
import type { ClusterTemplate } from '../../src/domain/inventory/template.ts';
import { renderInstallPlan, type InstallPlan } from '../../src/render/bootstrap/install-plan.ts';
import { renderK3sConfig } from '../../src/render/bootstrap/k3s-config.ts';
import type { StandinSources } from '../standins/standin-sources.ts';
import { bootstrapInput, buildCluster, emtProfile, loadTemplate, loadTemplateWith, ubuntuProfile } from './support/plans.ts';
import { createSandbox, MIRROR_URL, valueOf, type ObservedPath, type Sandbox } from './support/sandbox.ts';

const v004 = loadTemplate('baseline-k3s-v0.0.4.json');
const v010 = loadTemplate('baseline-k3s-v0.0.10.json');
const FAST = { readyMs: 10_000, probeIntervalMs: 100 };
const IMAGE_PATH = '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst';

let sandbox: Sandbox;
let emt: StandinSources;

beforeAll(async () => {
  sandbox = await createSandbox();
  emt = await sandbox.addImage('emt', { version: 'v1.32.4+k3s1' });
  await sandbox.addImage('emt-wrong-version', { version: 'v1.32.5+k3s1' });
  await sandbox.addMirror(['v1.33.5+k3s1']);
});
afterAll(() => sandbox?.dispose());

function planFor(template: ClusterTemplate, profile: OsProfile, extra: { mirrorUrl?: string } = {}): InstallPlan {
  return renderInstallPlan(computeBootstrapPlan({ ...bootstrapInput(template, profile, extra), cluster: buildCluster(template, profile) }));
}

const emtWithImages = (): OsProfile => emtProfile([{ path: IMAGE_PATH, sha256: emt.airgapImages[0]!.sha256 }]);

describe('runInstall, air-gapped on an immutable host', () => {
  it('installs the embedded K3s without downloading, and returns a kubeconfig for the host address', async () => {
    const plan = planFor(v004, emtWithImages());
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'rpm', readOnlyBin: true },
      { op: 'mirror' },
      { op: 'install', options: { plan, hostAddress: '10.0.0.5', timeouts: FAST } },
      {
        op: 'observe',
        paths: [
          '/etc/rancher/k3s/config.yaml',
          '/etc/systemd/system/k3s.service',
          '/etc/systemd/system/k3s.service.env',
          '/usr/local/bin/kubectl',
          '/usr/local/bin/k3s-killall.sh',
          '/var/lib/rancher/k3s/server/standin-state.json',
          '/var/lib/rancher/k3s/edge-orch/install.json',
        ],
      },
      { op: 'install', options: { plan, hostAddress: '10.0.0.5', timeouts: FAST } },
      { op: 'mirror-requests' },
    ]);
    const installed = valueOf<InstallResult>(results[2]);
    expect(installed.status).toBe('installed');
    expect(installed.warnings).toEqual(plan.warnings);
    expect(installed.output).toContain('[INFO]  Skipping k3s download and verify');
    expect(parse(installed.kubeconfig!).clusters[0].cluster.server).toBe('https://10.0.0.5:6443');

    const seen = valueOf<Record<string, ObservedPath | null>>(results[3]);
    expect(seen['/etc/rancher/k3s/config.yaml']).toMatchObject({
      kind: 'file',
      mode: 0o600,
      text: renderK3sConfig(computeBootstrapPlan(bootstrapInput(v004, emtWithImages())).k3sConfig),
    });
    expect(seen['/etc/systemd/system/k3s.service']?.text).toContain('ExecStart=/usr/local/bin/k3s \\\n    server\n');
    expect(seen['/etc/systemd/system/k3s.service.env']).toMatchObject({ mode: 0o600 });
    // INSTALL_K3S_BIN_DIR_READ_ONLY: the installer wrote nothing into the read-only bin dir.
    expect(seen['/usr/local/bin/kubectl']).toBeNull();
    expect(seen['/usr/local/bin/k3s-killall.sh']).toBeNull();
    const state = JSON.parse(seen['/var/lib/rancher/k3s/server/standin-state.json']!.text!);
    expect(state.argv).toEqual(['/usr/local/bin/k3s', 'server']);
    expect(state.images).toEqual([{ file: IMAGE_PATH, format: 'zstd', bytes: expect.any(Number), sha256: emt.airgapImages[0]!.sha256 }]);
    expect(JSON.parse(seen['/var/lib/rancher/k3s/edge-orch/install.json']!.text!)).toMatchObject({
      state: 'ready',
      kubernetesVersion: 'v1.32.4+k3s1',
      mode: 'air-gapped',
    });

    expect(valueOf<InstallResult>(results[4])).toMatchObject({ status: 'already-installed', output: '', kubeconfig: installed.kubeconfig });
    expect(valueOf<string[]>(results[5])).toEqual([]);
  });

  it('refuses a binary that reports another version, naming both, and never falls back to downloading', async () => {
    const results = await sandbox.run([
      { op: 'image', source: 'emt-wrong-version', via: 'copy' },
      { op: 'mirror' },
      { op: 'install', options: { plan: planFor(v004, emtProfile()), hostAddress: '10.0.0.5', timeouts: FAST } },
      { op: 'observe', paths: ['/etc/rancher/k3s/config.yaml', '/etc/systemd/system/k3s.service'] },
      { op: 'mirror-requests' },
    ]);
    expect(results[2]).toEqual({
      ok: false,
      error: {
        code: 'K3sArtifactMismatch',
        detail: '/usr/local/bin/k3s reports K3s v1.32.5+k3s1, expected v1.32.4+k3s1; an air-gapped install never downloads K3s instead',
      },
    });
    expect(valueOf(results[3])).toEqual({ '/etc/rancher/k3s/config.yaml': null, '/etc/systemd/system/k3s.service': null });
    expect(valueOf<string[]>(results[4])).toEqual([]);
  });

  it('refuses an air-gap image whose sha256 differs from the OS profile, naming the file and both values', async () => {
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'copy' },
      { op: 'write', path: IMAGE_PATH, content: 'tampered' },
      { op: 'install', options: { plan: planFor(v004, emtWithImages()), hostAddress: '10.0.0.5', timeouts: FAST } },
    ]);
    expect(results[2]).toEqual({
      ok: false,
      error: {
        code: 'K3sArtifactMismatch',
        detail: `the air-gap image ${IMAGE_PATH} has sha256 ${sha256('tampered')}, expected ${emt.airgapImages[0]!.sha256}; an air-gapped install never downloads K3s instead`,
      },
    });
  });
});

describe('runInstall, downloading on a mutable host', () => {
  it('fetches the install script and K3s from the mirror, and the installer adds its symlinks and scripts', async () => {
    const plan = planFor(v010, ubuntuProfile(), { mirrorUrl: MIRROR_URL });
    const results = await sandbox.run([
      { op: 'mirror' },
      { op: 'install', options: { plan, hostAddress: 'edge-1.example.com', timeouts: FAST } },
      { op: 'exec', argv: ['/usr/local/bin/k3s', '--version'] },
      {
        op: 'observe',
        paths: [
          '/usr/local/bin/crictl',
          '/usr/local/bin/ctr',
          '/usr/local/bin/k3s-killall.sh',
          '/usr/local/bin/k3s-uninstall.sh',
          '/etc/environment.d/50-k3s.conf',
          '/etc/rancher/k3s/config.yaml.d/kube-apiserver-arg.yaml',
        ],
      },
      { op: 'mirror-requests' },
    ]);
    expect(valueOf<InstallResult>(results[1]).status).toBe('installed');
    expect(parse(valueOf<InstallResult>(results[1]).kubeconfig!).clusters[0].cluster.server).toBe('https://edge-1.example.com:6443');
    expect(valueOf<{ stdout: string }>(results[2]).stdout).toMatch(/^k3s version v1\.33\.5\+k3s1 /);
    const seen = valueOf<Record<string, ObservedPath | null>>(results[3]);
    // kubectl too, unless one is already on the PATH (the real installer's rule, and this machine may have one).
    expect(seen['/usr/local/bin/crictl']).toMatchObject({ kind: 'symlink', linkTarget: 'k3s' });
    expect(seen['/usr/local/bin/ctr']).toMatchObject({ kind: 'symlink', linkTarget: 'k3s' });
    expect(seen['/usr/local/bin/k3s-killall.sh']).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(seen['/usr/local/bin/k3s-uninstall.sh']).toMatchObject({ kind: 'file', mode: 0o755 });
    // Outside K3s's places: the template's file is not the agent's to write.
    expect(seen['/etc/environment.d/50-k3s.conf']).toBeNull();
    expect(seen['/etc/rancher/k3s/config.yaml.d/kube-apiserver-arg.yaml']?.text).toMatch(/^kube-apiserver-arg:\n- tls-cipher-suites=/);
    expect(valueOf<string[]>(results[4])).toEqual([
      '/mirror/k3s/install.sh',
      '/mirror/k3s/download/v1.33.5+k3s1/sha256sum-amd64.txt',
      '/mirror/k3s/download/v1.33.5+k3s1/k3s',
    ]);
  });
});

describe('runInstall on a host that already has K3s', () => {
  it('refuses to install a different plan over it', async () => {
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'copy' },
      { op: 'install', options: { plan: planFor(v004, emtProfile()), hostAddress: '10.0.0.5', timeouts: FAST } },
      {
        op: 'install',
        options: {
          plan: planFor(v004, { ...emtProfile(), kubernetes: null }, { mirrorUrl: MIRROR_URL }),
          hostAddress: '10.0.0.5',
          timeouts: FAST,
        },
      },
    ]);
    expect(valueOf<InstallResult>(results[1]).status).toBe('installed');
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'InvalidState' } });
    expect((results[2] as { error: { detail: string } }).error.detail).toMatch(
      /^K3s v1\.32\.4\+k3s1 is already installed on this host from a different plan \(recorded .+\); clean up the host before installing v1\.32\.4\+k3s1$/,
    );
  });

  it('refuses K3s state it did not install', async () => {
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'copy' },
      { op: 'write', path: '/etc/rancher/k3s/k3s.yaml', content: 'apiVersion: v1\n' },
      { op: 'install', options: { plan: planFor(v004, emtProfile()), hostAddress: '10.0.0.5', timeouts: FAST } },
    ]);
    expect(results[2]).toEqual({
      ok: false,
      error: {
        code: 'InvalidState',
        detail: 'K3s state that edge-orch did not install was found at /etc/rancher/k3s/k3s.yaml; clean up the host before installing',
      },
    });
  });
});

describe('runInstall when K3s does not come up', () => {
  it('fails with K3sInstallFailed after the readiness timeout, saying what the probe answered', async () => {
    // The mirror holds port 8080, so a K3s told to listen there cannot start.
    const template = loadTemplateWith('baseline-k3s-v0.0.4.json', (spec) => void (spec.serverConfig.httpsListenPort = '8080'));
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'copy' },
      { op: 'mirror' },
      {
        op: 'install',
        options: { plan: planFor(template, emtProfile()), hostAddress: '10.0.0.5', timeouts: { readyMs: 1500, probeIntervalMs: 100 } },
      },
    ]);
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'K3sInstallFailed' } });
    expect((results[2] as { error: { detail: string } }).error.detail).toBe(
      'K3s did not become ready within 1.5 s: /etc/rancher/k3s/k3s.yaml does not exist yet',
    );
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
