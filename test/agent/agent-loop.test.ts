/**
 * The agent's loop (runAgent) against the real orchestrator (test/agent/support/real-orchestrator.ts): hosts,
 * clusters, deletions and deauthorizations are made through the real API and the results read there. What acts
 * on the host (install, cleanup) is a recording stand-in of the agent's host operations, since this suite is
 * about the loop, not K3s (run-install and cleanup have their own suites). Nothing sleeps for a fixed time: the
 * agent runs on a test clock (its backoff only yields, and the test moves its time forward), and the test waits
 * for what it can see: a request the server holds means the agent has acted on everything before it.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { HOST_KUBECONFIG } from '../support/kubeconfig.ts';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentClock } from '../../src/agent/agent-clock.ts';
import { runAgent, type AgentOptions, type AgentRunResult } from '../../src/agent/agent.ts';
import type { CleanupResult } from '../../src/agent/cleanup.ts';
import type { InstallRecord } from '../../src/agent/install-record.ts';
import type { InstallResult } from '../../src/agent/run-install.ts';
import { FAILED_WORK_RETRY } from '../../src/agent/reconcile-host.ts';
import { createSouthboundClient } from '../../src/agent/southbound-client.ts';
import { AppError } from '../../src/domain/errors.ts';
import type { InstallPlan } from '../../src/render/bootstrap/install-plan.ts';
import { readFormat } from '../support/formats.ts';
import { PROJECT, startRealOrchestrator, type RealOrchestrator } from './support/real-orchestrator.ts';

const UUID = '4c4c4544-0000-1000-8000-000000000001';
const EMT = 'microvisor-nonrt';
const MANIFEST = {
  Repo: [{ Name: 'k3s' }],
  image: { name: EMT, version: '3.0', osType: 'immutable', architecture: 'x86_64' },
  // The shared EMT profile's paths: an air-gapped plan must run the image's own K3s.
  kubernetes: { flavor: 'k3s', version: 'v1.32.4+k3s1', binaryPath: '/usr/local/bin/k3s', installScriptPath: '/opt/install.sh' },
};
const FAST = { baseMs: 20, capMs: 100 };
const WAIT = { timeout: 10_000, interval: 25 };

let server: RealOrchestrator;
let dir: string;
let time: ReturnType<typeof createTestClock>;

/**
 * The agent's clock in these tests: real time plus what the test skipped ahead, and sleeps (backoff) that are
 * recorded and only yield, so retries come at once and the delays the agent chose can be checked.
 */
function createTestClock() {
  let skipped = 0;
  const sleeps: number[] = [];
  const clock: AgentClock = {
    now: () => Date.now() + skipped,
    async sleep(ms, signal) {
      sleeps.push(ms);
      signal?.throwIfAborted();
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    },
  };
  return { clock, sleeps, advance: (ms: number) => void (skipped += ms) };
}

beforeEach(async () => {
  time = createTestClock();
  server = await startRealOrchestrator();
  await server.ok([201], 'POST', '/osprofiles/import', { document: readFormat(`os-profiles/${EMT}.yaml`) });
  for (const file of ['baseline-k3s-v0.0.4.json', 'baseline-rke2-v2.0.2.json'])
    await server.ok([201], 'POST', '/templates', JSON.parse(readFormat(`templates/${file}`)));
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-agent-'));
  await mkdir(join(dir, 'etc'));
  await writeFile(join(dir, 'etc', 'manifest.json'), JSON.stringify(MANIFEST));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Registers the host with an EMT instance and, given a template, its single-node cluster store-42. */
async function registerHost({ template = null as string | null } = {}): Promise<string> {
  const [host] = await server.register({ autoProvision: true, osProfile: EMT, ...(template ? { autoCluster: true, template } : {}) }, [
    { uuid: UUID, name: 'edge-node-1', ...(template ? { cluster: { name: 'store-42' } } : {}) },
  ]);
  return host!.hostId;
}

const READY_RECORD: InstallRecord = {
  fingerprint: 'f',
  kubernetesVersion: 'v1.32.4+k3s1',
  mode: 'air-gapped',
  binDir: '/usr/local/bin',
  files: [],
  state: 'ready',
  updatedAt: '2026-01-01T00:00:00Z',
};

/**
 * Host operations that record their calls and keep an install record as the real ones do. Install succeeds
 * unless `installError` is set; with `hold` it waits until `release()`.
 */
function fakeHost({ installError, hold = false }: { installError?: Error; hold?: boolean } = {}) {
  const calls = { install: [] as InstallPlan[], cleanup: [] as string[] };
  let record: InstallRecord | null = null;
  let release = (): void => undefined;
  const held = hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  return {
    calls,
    release: () => release(),
    host: {
      async install(plan: InstallPlan): Promise<InstallResult> {
        calls.install.push(plan);
        await held;
        if (installError) throw installError;
        record = READY_RECORD;
        return { status: 'installed', kubeconfig: HOST_KUBECONFIG, output: '', warnings: [] };
      },
      async cleanup(osType: string): Promise<CleanupResult> {
        calls.cleanup.push(osType);
        record = null;
        return {
          stoppedWith: ['signals'],
          unmounted: [],
          interfaces: [],
          iptables: [],
          removed: ['/etc/rancher/k3s', '/var/lib/rancher/k3s'],
          kept: [{ path: '/usr/local/bin/k3s', reason: 'package-owned' }],
          failed: [],
        };
      },
      readInstallRecord: async () => record,
    },
  };
}

interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** The agent's log, kept: what it says is part of its behaviour (and the only view of a retry). */
function recordingLog() {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (fields: object, message: string) =>
    void lines.push({ level, fields: fields as Record<string, unknown>, message });
  return {
    lines,
    log: { info: at('info'), warn: at('warn'), error: at('error') },
    said: (message: string) => lines.filter((l) => l.message === message),
  };
}

function agentOptions(overrides: Partial<AgentOptions> = {}): AgentOptions {
  return {
    client: createSouthboundClient({ serverUrl: server.url, requestTimeoutMs: 5_000, insecureHttp: true }),
    enrollToken: server.enrollmentToken,
    identity: { uuid: UUID, serial: null },
    stateDir: join(dir, 'state'),
    manifestPath: join(dir, 'etc', 'manifest.json'),
    hostAddress: '10.0.0.5',
    log: recordingLog().log,
    waitSeconds: 1,
    backoff: FAST,
    enrollBackoff: FAST,
    clock: time.clock,
    ...overrides,
  };
}

/** Runs the agent loop in the background; `stop` aborts it and resolves with its result. */
function startAgent(options: AgentOptions): { stop(): Promise<AgentRunResult> } {
  const abort = new AbortController();
  const running = runAgent({ ...options, signal: abort.signal });
  running.catch(() => undefined);
  return {
    async stop() {
      abort.abort();
      return running;
    },
  };
}

const storedCredential = async (stateDir = join(dir, 'state')) => JSON.parse(await readFile(join(stateDir, 'credential.json'), 'utf8'));
const cluster = async (name = 'store-42') => server.api<{ phase: string; message: string }>('GET', `/clusters/${name}`);
const hostState = async (hostId: string): Promise<string> => (await server.ok<{ state: string }>([200], 'GET', `/hosts/${hostId}`)).state;
async function instanceOf(hostId: string): Promise<{ osProfile: string; observedOsProfile: string | null; state: string }> {
  const { items } = await server.ok<{ items: { hostId: string; osProfile: string; observedOsProfile: string | null; state: string }[] }>(
    [200],
    'GET',
    '/instances',
  );
  return items.find((i) => i.hostId === hostId)!;
}
const seesHostOs = async (hostId: string): Promise<void> => expect((await instanceOf(hostId)).observedOsProfile).toBe(EMT);
async function waitForPhase(phase: string, name = 'store-42'): Promise<{ phase: string; message: string }> {
  return vi.waitFor(async () => {
    const { status, body } = await cluster(name);
    expect({ status, phase: body.phase }).toEqual({ status: 200, phase });
    return body;
  }, WAIT);
}
const waitUntilGone = (name = 'store-42') => vi.waitFor(async () => expect((await cluster(name)).status).toBe(404), WAIT);
/** Until the server holds the agent's long-poll: the agent has acted on the current desired state and waits for a change. */
const waitUntilIdle = () => vi.waitFor(() => expect(server.held('/desired-state')).toBe(1), WAIT);

describe('runAgent enrollment', () => {
  it('enrolls once, keeps the credential 0600 in a 0700 state directory and afterwards uses only it', async () => {
    const hostId = await registerHost();
    const { host } = fakeHost();
    const first = recordingLog();
    expect(await runAgent(agentOptions({ once: true, host, log: first.log }))).toMatchObject({ ok: true });
    const stored = await storedCredential();
    expect(stored).toEqual({
      serverUrl: server.url,
      project: PROJECT,
      hostId,
      hostName: 'edge-node-1',
      credential: expect.stringMatching(/^\S{20,}$/),
      // Over the tests' plain HTTP there is no CA to pin.
      caCertificate: null,
      issuedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect((await stat(join(dir, 'state', 'credential.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect(first.said('enrolled')).toHaveLength(1);
    // The server knows the credential and the host moved on: enrolled, then provisioned by the agent's report.
    expect((await server.agentCall('GET', '/desired-state?waitSeconds=0', { credential: stored.credential })).body).toMatchObject({
      host: { id: hostId, name: 'edge-node-1' },
    });
    expect(await hostState(hostId)).toBe('provisioned');

    // A token the server would reject is never sent again: the agent keeps working with its credential.
    const second = recordingLog();
    expect(await runAgent(agentOptions({ once: true, host, enrollToken: 'no-longer-valid', log: second.log }))).toMatchObject({ ok: true });
    expect(second.said('enrolled')).toEqual([]);
    expect(await storedCredential()).toEqual(stored);
  });

  it('enrolls again when the server no longer accepts the stored credential (it was reset), never by token alone', async () => {
    const hostId = await registerHost();
    const { host } = fakeHost();
    await runAgent(agentOptions({ once: true, host }));
    const old = (await storedCredential()).credential;
    const takeover = await server.agentCall('POST', '/enroll', { body: { enrollmentToken: server.enrollmentToken, uuid: UUID } });
    expect(takeover.status).toBe(409);
    expect((await server.agentCall('GET', '/desired-state?waitSeconds=0', { credential: old })).status).toBe(200);
    await server.ok([200], 'POST', `/hosts/${hostId}/reset-credential`);
    expect((await server.agentCall('GET', '/desired-state?waitSeconds=0', { credential: old })).status).toBe(401);

    const { log, said } = recordingLog();
    expect(await runAgent(agentOptions({ once: true, host, log }))).toMatchObject({ ok: true });
    expect(said("the server no longer accepts this host's credential; enrolling again")).toHaveLength(1);
    const renewed = (await storedCredential()).credential;
    expect(renewed).not.toBe(old);
    expect((await server.agentCall('GET', '/desired-state?waitSeconds=0', { credential: renewed })).status).toBe(200);
  });

  it('waits while the host is not registered yet and enrolls as soon as it is', async () => {
    const { host } = fakeHost();
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log }));
    await vi.waitFor(() => expect(said('the host cannot enroll yet; waiting')).toHaveLength(1), WAIT);
    expect(said('the host cannot enroll yet; waiting')[0]!.fields).toEqual({
      identity: { uuid: UUID, serial: null },
      error: expect.stringContaining(`answered 404: no host with uuid ${UUID} is registered in project ${PROJECT}; register it first`),
    });
    // Asking again, and held by the server until the host is registered: still without a credential.
    await vi.waitFor(() => expect(server.held('/enroll')).toBe(1), WAIT);
    expect(existsSync(join(dir, 'state', 'credential.json'))).toBe(false);

    const hostId = await registerHost();
    await vi.waitFor(() => seesHostOs(hostId), WAIT);
    await agent.stop();
    expect(said('enrolled')).toHaveLength(1);
    expect(said('enrolled')[0]!.fields).toEqual({ host: 'edge-node-1', hostId, project: PROJECT });
  });

  it('holds an enrollment until the host is registered, answering as soon as it is, and 404 without a wait', async () => {
    const body = { enrollmentToken: server.enrollmentToken, uuid: UUID };
    const refused = await server.agentCall('POST', '/enroll', { body });
    expect(refused.status).toBe(404);

    const started = Date.now();
    const held = server.agentCall<{ hostId: string }>('POST', '/enroll', { body: { ...body, waitSeconds: 20 } });
    await vi.waitFor(() => expect(server.held('/enroll')).toBe(1), WAIT);
    const hostId = await registerHost();
    const enrolled = await held;
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.hostId).toBe(hostId);
    // Woken by the registration, well before the 20 s wait (the fallback re-check comes every 5 s).
    expect(Date.now() - started).toBeLessThan(4_500);
  });

  it('stops with a clear error when the enrollment token is rejected', async () => {
    await registerHost();
    await expect(runAgent(agentOptions({ enrollToken: 'wrong', host: fakeHost().host }))).rejects.toThrow(
      /the server rejected the enrollment token \(.*answered 401: the enrollment token is not valid\); start the agent with a valid --enroll-token/,
    );
    expect(existsSync(join(dir, 'state', 'credential.json'))).toBe(false);
  });
});

describe('runAgent reconciling', () => {
  it("installs K3s once the host runs the cluster's OS profile, showing installing, then ready with the kubeconfig", async () => {
    const hostId = await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const { host, calls, release } = fakeHost({ hold: true });
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log }));

    const installing = await waitForPhase('provisioning');
    expect(installing.message).toBe('installing K3s v1.32.4+k3s1 (air-gapped)');
    // The server first waited for the host to run the cluster's OS profile, which the agent's report showed.
    expect(said('desired state').map((l) => l.fields['action'])).toEqual(['wait', 'install']);
    expect(await instanceOf(hostId)).toMatchObject({ observedOsProfile: EMT, state: 'running' });
    release();

    const ready = await waitForPhase('ready');
    expect(ready.message).toMatch(/^K3s v1\.32\.4\+k3s1 is ready \(air-gapped\)/);
    expect(await server.api('GET', '/clusters/store-42/kubeconfig')).toEqual({ status: 200, body: HOST_KUBECONFIG });
    await vi.waitFor(async () => expect(await hostState(hostId)).toBe('in-cluster'), WAIT);
    await agent.stop();
    expect(calls.install).toHaveLength(1);
    expect(calls.install[0]).toMatchObject({
      mode: 'air-gapped',
      kubernetesVersion: 'v1.32.4+k3s1',
      argv: ['sh', '/opt/install.sh'],
      env: expect.objectContaining({ INSTALL_K3S_SKIP_DOWNLOAD: 'true' }),
    });
  });

  it('says an install finished while the agent was stopping was not reported, and reports it ready on its next start', async () => {
    await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const { host, release } = fakeHost({ hold: true });
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log }));
    await waitForPhase('provisioning');
    // systemd stops the agent mid-install (SIGTERM to the agent alone): the install under way still finishes.
    const stopped = agent.stop();
    release();
    await stopped;
    expect(said('installing K3s failed')).toEqual([]);
    expect(said('K3s installed while the agent was stopping; its next start reports it ready')).toMatchObject([
      { level: 'info', fields: { cluster: 'store-42', status: 'installed' } },
    ]);
    expect((await cluster()).body.phase).toBe('provisioning'); // never reported as failed

    const next = recordingLog();
    const restarted = startAgent(agentOptions({ host, log: next.log }));
    await waitForPhase('ready');
    await restarted.stop();
  });

  it('does not install again when a new revision carries the same plan (the host moved on after its own report)', async () => {
    const hostId = await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const { host, calls } = fakeHost();
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log }));
    await waitForPhase('ready');
    await vi.waitFor(async () => expect(await hostState(hostId)).toBe('in-cluster'), WAIT);
    // The host became in-cluster because of the ready report: the server's revision moved, the plan did not.
    const current = await server.agentCall<{ revision: string; action: { kind: string } }>('GET', '/desired-state?waitSeconds=0', {
      credential: (await storedCredential()).credential,
    });
    expect(current.body.action.kind).toBe('install');
    await vi.waitFor(() => expect(said('desired state').map((l) => l.fields['revision'])).toContain(current.body.revision), WAIT);
    await waitUntilIdle();
    await agent.stop();

    const installs = said('desired state').filter((l) => l.fields['action'] === 'install');
    expect(installs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(installs.map((l) => l.fields['revision'])).size).toBe(installs.length);
    expect(calls.install).toHaveLength(1);
    expect(said('installing K3s')).toHaveLength(1);
    expect((await cluster()).body.phase).toBe('ready');
  });

  it('acts at once on a cluster created while its long-poll waits, long before the wait is over', async () => {
    const hostId = await registerHost();
    const { host, calls } = fakeHost();
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log, waitSeconds: 20 }));
    await vi.waitFor(async () => expect(await hostState(hostId)).toBe('provisioned'), WAIT);
    await waitUntilIdle();
    const polls = said('desired state').length;

    const created = Date.now();
    await registerHost({ template: 'baseline-k3s:v0.0.4' });
    await waitForPhase('ready');
    // The server wakes the waiting poll; its own re-check would come only 5 s after the poll began.
    expect(Date.now() - created).toBeLessThan(2500);
    await agent.stop();
    expect(
      said('desired state')
        .slice(polls)
        .map((l) => l.fields['action'])[0],
    ).toBe('install');
    expect(calls.install).toHaveLength(1);
  });

  it('reports a failed install with the precise reason and does not retry it at once, only once its retry time has come', async () => {
    await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const mismatch = new AppError(
      'K3sArtifactMismatch',
      'the air-gap image /var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst has sha256 aaa, expected bbb; an air-gapped install never downloads K3s instead',
    );
    const { host, calls } = fakeHost({ installError: mismatch });
    const agent = startAgent(agentOptions({ host, waitSeconds: 1 }));
    const failed = await waitForPhase('failed');
    expect(failed.message).toBe(`K3sArtifactMismatch: ${mismatch.detail}`);
    // The agent saw the state its failure report made, did not install again, and waits for a change.
    await waitUntilIdle();
    expect(calls.install).toHaveLength(1);
    expect((await cluster()).body).toMatchObject({ phase: 'failed', message: `K3sArtifactMismatch: ${mismatch.detail}` });

    time.advance(FAILED_WORK_RETRY.capMs);
    await vi.waitFor(() => expect(calls.install).toHaveLength(2), WAIT);
    await agent.stop();
  });

  it("removes K3s for a deleted cluster with the image's OS type, after which the server forgets the cluster", async () => {
    const hostId = await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const { host, calls } = fakeHost();
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log }));
    await waitForPhase('ready');
    expect(await server.ok([202], 'DELETE', '/clusters/store-42')).toMatchObject({
      phase: 'deleting',
      message: 'waiting for the agents to remove K3s',
    });
    await waitUntilGone();
    await agent.stop();
    expect(calls.cleanup).toEqual(['immutable']);
    expect(said('K3s removed').map((l) => l.fields)).toEqual([{ cluster: 'store-42', removed: 2, kept: 1 }]);
    expect(await hostState(hostId)).toBe('provisioned');
  });

  it('cleans up K3s left by a cluster that was force-deleted while the agent was away', async () => {
    const hostId = await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const { host, calls } = fakeHost();
    const before = startAgent(agentOptions({ host }));
    await waitForPhase('ready');
    await before.stop();

    expect((await server.api('DELETE', '/clusters/store-42?force=true')).status).toBe(204);
    expect((await cluster()).status).toBe(404);
    expect(await hostState(hostId)).toBe('in-cluster');

    const { log, said } = recordingLog();
    const after = startAgent(agentOptions({ host, log }));
    await vi.waitFor(async () => expect(await hostState(hostId)).toBe('provisioned'), WAIT);
    // The host is provisioned once the cleanup is reported; the poll after it is what says "none".
    await vi.waitFor(() => expect(said('desired state').map((l) => l.fields['action'])).toContain('none'), WAIT);
    await after.stop();
    // The server recorded the cleanup the host owes when the cluster was forced away: it asks for it by name once.
    expect(new Set(said('desired state').map((l) => l.fields['action']))).toEqual(new Set(['remove', 'none']));
    expect(calls.cleanup).toEqual(['immutable']);
    expect(said('K3s removed').map((l) => l.fields)).toEqual([{ cluster: 'store-42', removed: 2, kept: 1 }]);
  });

  it('removes K3s when its host is deauthorized, after which the server deletes the cluster and the host may not enroll again', async () => {
    const hostId = await registerHost({ template: 'baseline-k3s:v0.0.4' });
    const { host, calls } = fakeHost();
    const agent = startAgent(agentOptions({ host }));
    await waitForPhase('ready');
    expect(await server.ok([200], 'POST', `/hosts/${hostId}/deauthorize`)).toMatchObject({ state: 'deauthorized' });
    await waitUntilGone();
    await waitUntilIdle();
    await agent.stop();
    expect(calls.cleanup).toEqual(['immutable']);
    expect(await hostState(hostId)).toBe('deauthorized');

    // Restarted, the agent still sees "remove" (the host stays deauthorized) but K3s is gone: nothing to clean.
    const restarted = recordingLog();
    expect(await runAgent(agentOptions({ once: true, host, log: restarted.log }))).toMatchObject({ ok: true });
    expect(restarted.said('desired state').map((l) => l.fields['action'])).toEqual(['remove']);
    expect(calls.cleanup).toEqual(['immutable']);

    // An agent without a credential on this host (reinstalled, state lost) is refused and waits.
    const { log, said } = recordingLog();
    const again = startAgent(agentOptions({ host, log, stateDir: join(dir, 'fresh-state') }));
    await vi.waitFor(() => expect(said('the host cannot enroll yet; waiting')).toHaveLength(1), WAIT);
    await again.stop();
    expect(said('the host cannot enroll yet; waiting')[0]!.fields['error']).toMatch(
      /answered 403: host edge-node-1 is deauthorized and may not enroll$/,
    );
    expect(existsSync(join(dir, 'fresh-state', 'credential.json'))).toBe(false);
  });

  it('is never given an RKE2 cluster: registration refuses it with the reason, and the agent installs nothing', async () => {
    const job = await server.ok<{ hosts: { failedStep: string; steps: { step: string; reason: { code: string } | null }[] }[] }>(
      [201],
      'POST',
      '/registrations?wait=20',
      {
        defaults: { autoProvision: true, osProfile: EMT, autoCluster: true, template: 'baseline:v2.0.2' },
        hosts: [{ uuid: UUID, name: 'edge-node-1', cluster: { name: 'store-42' } }],
      },
    );
    expect(job.hosts[0]!.failedStep).toBe('create-cluster');
    expect(job.hosts[0]!.steps.find((s) => s.step === 'create-cluster')!.reason).toMatchObject({ code: 'FlavorNotInstallable' });
    const { host, calls } = fakeHost();
    expect(await runAgent(agentOptions({ once: true, host }))).toMatchObject({ ok: true });
    expect((await server.ok([200], 'GET', '/clusters')).items).toEqual([]);
    expect(calls.install).toEqual([]);
  });

  it("reports only the OS while there is nothing to do, so the instance sees the host's OS", async () => {
    const hostId = await registerHost();
    const { host, calls } = fakeHost();
    expect(await runAgent(agentOptions({ once: true, host }))).toEqual({ revision: expect.stringMatching(/^[0-9a-f]{32}$/), ok: true });
    expect(await instanceOf(hostId)).toMatchObject({ osProfile: EMT, observedOsProfile: EMT, state: 'running' });
    expect(await hostState(hostId)).toBe('provisioned');
    expect((await server.ok([200], 'GET', '/clusters')).items).toEqual([]);
    expect(calls).toEqual({ install: [], cleanup: [] });
  });
});

describe('runAgent riding out failures', () => {
  it('retries 5xx answers with backoff until the server answers', async () => {
    const hostId = await registerHost();
    server.failNext('/desired-state', 3, 503);
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host: fakeHost().host, log }));
    await vi.waitFor(() => seesHostOs(hostId), WAIT);
    await agent.stop();
    expect(server.faultsServed('/desired-state')).toBe(3);
    const retries = said('polling the desired state failed; retrying');
    expect(retries.map((l) => l.fields['attempt'])).toEqual([0, 1, 2]);
    expect(retries[0]!.fields['error']).toMatch(/answered 503: injected by the test$/);
    // Each retry waited between half its bound and its bound, the bound doubling from FAST's base.
    expect(time.sleeps).toHaveLength(3);
    time.sleeps.forEach((ms, attempt) => {
      const bound = FAST.baseMs * 2 ** attempt;
      expect(ms).toBeGreaterThanOrEqual(bound / 2);
      expect(ms).toBeLessThanOrEqual(bound);
    });
  });

  it('retries a report whose connection was dropped until the server has it', async () => {
    const hostId = await registerHost();
    server.dropNext('/report', 2);
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host: fakeHost().host, log }));
    await vi.waitFor(() => seesHostOs(hostId), WAIT);
    await agent.stop();
    expect(server.faultsServed('/report')).toBe(2);
    expect(said('reporting failed; retrying').map((l) => l.fields['attempt'])).toEqual([0, 1]);
    expect(said('the server refused the report')).toEqual([]);
  });

  it('survives a server restart in the middle of a long-poll and acts on the next desired state', async () => {
    const hostId = await registerHost();
    const { host, calls } = fakeHost();
    const { log, said } = recordingLog();
    const agent = startAgent(agentOptions({ host, log, waitSeconds: 5 }));
    await vi.waitFor(() => seesHostOs(hostId), WAIT);
    await vi.waitFor(async () => expect(await hostState(hostId)).toBe('provisioned'), WAIT);
    await waitUntilIdle();
    const failuresBefore = said('polling the desired state failed; retrying').length;

    await server.stop();
    // The server stays away until the agent has found it gone (connection refused).
    await vi.waitFor(
      () =>
        expect(
          said('polling the desired state failed; retrying')
            .slice(failuresBefore)
            .some((l) => /ECONNREFUSED$/.test(String(l.fields['error']))),
        ).toBe(true),
      WAIT,
    );
    await server.start();
    await server.register({ autoProvision: true, autoCluster: true, osProfile: EMT, template: 'baseline-k3s:v0.0.4' }, [
      { uuid: UUID, name: 'edge-node-1', cluster: { name: 'store-42' } },
    ]);
    await waitForPhase('ready');
    await agent.stop();

    const failures = said('polling the desired state failed; retrying').slice(failuresBefore);
    // The long-poll that was waiting lost its connection, then the server was not there for a while.
    expect(failures[0]!.fields['error']).toMatch(
      /^GET \S+\/desired-state\?waitSeconds=5&revision=[0-9a-f]{32} failed: (UND_ERR_SOCKET|ECONNRESET)$/,
    );
    expect(
      failures
        .slice(1)
        .map((l) => l.fields['error'])
        .join('\n'),
    ).toMatch(/failed: ECONNREFUSED/);
    expect(said('enrolled')).toHaveLength(1);
    expect(calls.install).toHaveLength(1);
  });
});
