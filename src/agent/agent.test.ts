import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootstrapInput, emtProfile, loadTemplate } from '../../test/agent/support/plans.ts';
import { createFakeSouthbound, type FakeSouthbound } from '../../test/agent/support/fake-southbound.ts';
import { computeBootstrapPlan } from '../domain/bootstrap-plan.ts';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { runAgent, type AgentOptions } from './agent.ts';
import type { CleanupResult } from './cleanup.ts';
import type { InstallRecord, InstallResult } from './run-install.ts';
import { createSouthboundClient } from './southbound-client.ts';

const PLAN = computeBootstrapPlan(bootstrapInput(loadTemplate('baseline-k3s-v0.0.4.json'), emtProfile()));
const MANIFEST = { Repo: [{ Name: 'k3s' }], image: { name: 'microvisor-nonrt', version: '3.0', osType: 'immutable', architecture: 'x86_64' }, kubernetes: { flavor: 'k3s', version: 'v1.32.4+k3s1' } };
const FAST = { baseMs: 20, capMs: 100 };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: FakeSouthbound;
let dir: string;

beforeEach(async () => {
  server = await createFakeSouthbound();
  server.hosts.set('4c4c4544-0000-1000-8000-000000000001', { hostId: 'h-1', hostName: 'edge-node-1' });
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-agent-'));
  await mkdir(join(dir, 'etc'));
  await writeFile(join(dir, 'etc', 'manifest.json'), JSON.stringify(MANIFEST));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Host operations that record calls; install succeeds unless `installError` is set. */
function fakeHost({ installError, record = null }: { installError?: Error; record?: InstallRecord | null } = {}) {
  const calls = { install: [] as InstallPlan[], cleanup: [] as string[] };
  return {
    calls,
    host: {
      async install(plan: InstallPlan): Promise<InstallResult> {
        calls.install.push(plan);
        if (installError) throw installError;
        return { status: 'installed', kubeconfig: 'apiVersion: v1\nkind: Config\n', output: '', warnings: [] };
      },
      async cleanup(osType: string): Promise<CleanupResult> {
        calls.cleanup.push(osType);
        return { stoppedWith: ['signals'], removed: ['/etc/rancher/k3s', '/var/lib/rancher/k3s'], kept: [{ path: '/usr/local/bin/k3s', reason: 'package-owned' }], failed: [] };
      },
      readInstallRecord: async () => record,
    },
  };
}

function agentOptions(overrides: Partial<AgentOptions> = {}): AgentOptions {
  return {
    client: createSouthboundClient({ serverUrl: server.url, requestTimeoutMs: 5_000 }),
    enrollToken: 'enroll-secret',
    identity: { uuid: '4c4c4544-0000-1000-8000-000000000001', serial: null },
    stateDir: join(dir, 'state'),
    manifestPath: join(dir, 'etc', 'manifest.json'),
    hostAddress: '10.0.0.5',
    log: quiet,
    waitSeconds: 1,
    backoff: FAST,
    enrollBackoff: FAST,
    ...overrides,
  };
}

/** Runs the agent loop in the background until `until` holds, then stops it. */
async function runUntil(options: AgentOptions, until: () => boolean, timeoutMs = 10_000): Promise<void> {
  const stop = new AbortController();
  const running = runAgent({ ...options, signal: stop.signal });
  await vi.waitFor(() => expect(until()).toBe(true), { timeout: timeoutMs, interval: 20 });
  stop.abort();
  await running;
}

const phases = (): (string | null)[] => server.reports().map((r) => r.cluster?.phase ?? null);

describe('runAgent enrollment', () => {
  it('enrolls once, keeps the credential 0600 in the state directory and afterwards uses only it', async () => {
    const { host } = fakeHost();
    expect(await runAgent(agentOptions({ once: true, host }))).toMatchObject({ ok: true });
    const stored = JSON.parse(await readFile(join(dir, 'state', 'credential.json'), 'utf8'));
    expect(stored).toEqual({ serverUrl: server.url, project: 'default', hostId: 'h-1', hostName: 'edge-node-1', credential: 'credential-1' });
    expect((await stat(join(dir, 'state', 'credential.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);

    await runAgent(agentOptions({ once: true, host, enrollToken: 'no-longer-valid' }));
    expect(server.requests.filter((r) => r.path === '/enroll')).toHaveLength(1);
    expect(server.requests.filter((r) => r.path !== '/enroll').every((r) => r.authorization === 'Bearer credential-1')).toBe(true);
  });

  it('enrolls again when the server answers 401 to the stored credential', async () => {
    const { host } = fakeHost();
    await runAgent(agentOptions({ once: true, host }));
    server.credentials.clear();
    await runAgent(agentOptions({ once: true, host }));
    expect(server.requests.filter((r) => r.path === '/enroll')).toHaveLength(2);
    expect(JSON.parse(await readFile(join(dir, 'state', 'credential.json'), 'utf8')).credential).toBe('credential-2');
  });

  it('waits while the host is not registered yet and enrolls as soon as it is', async () => {
    server.hosts.clear();
    const { host } = fakeHost();
    setTimeout(() => server.hosts.set('4c4c4544-0000-1000-8000-000000000001', { hostId: 'h-1', hostName: 'edge-node-1' }), 300);
    await runUntil(agentOptions({ host }), () => server.reports().length > 0);
    const enrolls = server.requests.filter((r) => r.path === '/enroll');
    expect(enrolls.length).toBeGreaterThan(1);
    expect(enrolls[0]!.body).toEqual({ enrollmentToken: 'enroll-secret', uuid: '4c4c4544-0000-1000-8000-000000000001' });
  });

  it('stops with a clear error when the enrollment token is rejected', async () => {
    await expect(runAgent(agentOptions({ enrollToken: 'wrong', host: fakeHost().host }))).rejects.toThrow(/the server rejected the enrollment token .*start the agent with a valid --enroll-token/);
  });
});

describe('runAgent reconciling', () => {
  it('installs K3s, reports installing then ready with the kubeconfig, and does not install again for a new revision of the same plan', async () => {
    const { host, calls } = fakeHost();
    server.setAction({ kind: 'install', cluster: 'store-42', plan: PLAN });
    await runUntil(agentOptions({ host }), () => phases().includes('ready'));
    expect(server.reports().slice(0, 2)).toEqual([
      { manifest: { image: MANIFEST.image, kubernetes: MANIFEST.kubernetes }, cluster: { name: 'store-42', phase: 'installing', message: 'installing K3s v1.32.4+k3s1 (air-gapped)' } },
      { manifest: { image: MANIFEST.image, kubernetes: MANIFEST.kubernetes }, cluster: { name: 'store-42', phase: 'ready', message: expect.stringMatching(/^K3s v1\.32\.4\+k3s1 is ready \(air-gapped\)/), kubeconfig: 'apiVersion: v1\nkind: Config\n' } },
    ]);
    expect(calls.install).toHaveLength(1);
    expect(calls.install[0]).toMatchObject({ mode: 'air-gapped', argv: ['sh', '/opt/install.sh'], env: expect.objectContaining({ INSTALL_K3S_SKIP_DOWNLOAD: 'true' }) });

  });

  it('does not install again when a new revision carries the same plan (the host moved on after its own report)', async () => {
    const { host, calls } = fakeHost();
    server.setAction({ kind: 'install', cluster: 'store-42', plan: PLAN });
    const stop = new AbortController();
    const running = runAgent({ ...agentOptions({ host }), signal: stop.signal });
    await vi.waitFor(() => expect(phases()).toContain('ready'), { timeout: 5000, interval: 20 });
    const before = server.reports().length;
    server.setAction({ kind: 'install', cluster: 'store-42', plan: structuredClone(PLAN) });
    await vi.waitFor(() => expect(server.reports().length).toBe(before + 1), { timeout: 5000, interval: 20 });
    stop.abort();
    await running;
    expect(calls.install).toHaveLength(1);
    expect(server.reports().at(-1).cluster).toBeNull();
  });

  it('reports a failed install with the precise reason and does not retry it at once', async () => {
    const mismatch = new AppError('K3sArtifactMismatch', 'the air-gap image /var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst has sha256 aaa, expected bbb; an air-gapped install never downloads K3s instead');
    const { host, calls } = fakeHost({ installError: mismatch });
    server.setAction({ kind: 'install', cluster: 'store-42', plan: PLAN });
    await runUntil(agentOptions({ host, waitSeconds: 1 }), () => phases().includes('failed'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.reports().find((r) => r.cluster?.phase === 'failed').cluster.message).toBe(`K3sArtifactMismatch: ${mismatch.detail}`);
    expect(calls.install).toHaveLength(1);
  });

  it('removes K3s for a deleted cluster with the image\'s OS type and reports removed', async () => {
    const { host, calls } = fakeHost();
    server.setAction({ kind: 'remove', cluster: 'store-42' });
    await runUntil(agentOptions({ host }), () => phases().includes('removed'));
    expect(calls.cleanup).toEqual(['immutable']);
    expect(server.reports().map((r) => r.cluster)).toEqual([
      { name: 'store-42', phase: 'removing', message: 'removing K3s from the host' },
      { name: 'store-42', phase: 'removed', message: 'K3s removed (2 paths deleted, 1 package-owned paths kept)' },
    ]);
  });

  it('cleans up K3s left by a force-deleted cluster when the desired state has no cluster', async () => {
    const record: InstallRecord = { fingerprint: 'f', kubernetesVersion: 'v1.32.4+k3s1', mode: 'air-gapped', binDir: '/usr/local/bin', files: [], state: 'ready', updatedAt: '2026-01-01T00:00:00Z' };
    const { host, calls } = fakeHost({ record });
    await runUntil(agentOptions({ host }), () => phases().includes('removed'));
    expect(calls.cleanup).toEqual(['immutable']);
    expect(server.reports().at(-1).cluster).toMatchObject({ name: null, phase: 'removed' });
  });

  it('reports a blocked cluster as failed with the reason, once', async () => {
    const { host, calls } = fakeHost();
    const message = 'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1 but OS profile microvisor-nonrt embeds v1.32.4+k3s1';
    server.setAction({ kind: 'blocked', cluster: 'store-42', reason: { code: 'K3sVersionMismatch', message } as never });
    await runUntil(agentOptions({ host }), () => phases().includes('failed'));
    expect(server.reports().filter((r) => r.cluster).map((r) => r.cluster)).toEqual([{ name: 'store-42', phase: 'failed', message }]);
    expect(calls.install).toEqual([]);
  });

  it('reports only the manifest while there is nothing to do, so the instance sees the host\'s OS', async () => {
    const { host } = fakeHost();
    expect(await runAgent(agentOptions({ once: true, host }))).toEqual({ revision: '1', ok: true });
    expect(server.reports()).toEqual([{ manifest: { image: MANIFEST.image, kubernetes: MANIFEST.kubernetes }, cluster: null }]);
  });
});

describe('runAgent riding out failures', () => {
  it('retries 5xx answers with backoff until the server answers', async () => {
    const { host } = fakeHost();
    server.failNext('/desired-state', 3, 503);
    await runUntil(agentOptions({ host }), () => server.reports().length > 0);
    expect(server.requests.filter((r) => r.path === '/desired-state').length).toBeGreaterThanOrEqual(4);
  });

  it('survives a server restart in the middle of a long-poll and acts on the next desired state', async () => {
    const { host, calls } = fakeHost();
    const stop = new AbortController();
    const running = runAgent(agentOptions({ host, waitSeconds: 5, signal: stop.signal }));
    await vi.waitFor(() => expect(server.reports().length).toBe(1), { timeout: 5000, interval: 20 });
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();
    server.setAction({ kind: 'install', cluster: 'store-42', plan: PLAN });
    await vi.waitFor(() => expect(phases()).toContain('ready'), { timeout: 8000, interval: 20 });
    stop.abort();
    await running;
    expect(calls.install).toHaveLength(1);
  });
});
