/**
 * The real agent command with `--root` on an image root with the stand-in K3s RPM: it re-executes itself in
 * private mount and PID namespaces, binds the root's paths at their real locations (image paths read-only on an
 * immutable image), installs K3s air-gapped there, removes it again keeping the RPM's files, and nothing lands
 * on the machine itself. The orchestrator is the real one (support/real-orchestrator.ts): the image's manifest is
 * imported as its OS profile, hosts and clusters are made through the API and their progress is read there.
 * Runs as root (unshare, mount, rpm).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { readFormat } from '../support/formats.ts';
import { buildStandinK3sRpm, composeImageRoot, EMBEDDED_PATHS, renderManifest, type StandinRpm } from './support/image-root.ts';
import { startRealOrchestrator, type RealOrchestrator } from './support/real-orchestrator.ts';

const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const VERSION = 'v1.32.4+k3s1';
const EMT = 'microvisor-nonrt';

let dir: string;
let rpm: StandinRpm;
let server: RealOrchestrator;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-host-root-'));
  rpm = await buildStandinK3sRpm(join(dir, 'build'), VERSION);
  server = await startRealOrchestrator();
  // The image's own manifest is its OS profile, with the air-gap image the stand-in RPM embeds.
  await server.ok([201], 'POST', '/osprofiles/import', { document: JSON.stringify(imageManifest()) });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const imageManifest = () => renderManifest({ name: EMT, osType: 'immutable', rpm, kubernetesVersion: VERSION });

/**
 * Imports baseline-k3s v0.0.4 as template `name`, with K3s on its own port (these emulated hosts share the
 * machine's network namespace), and registers the host with an EMT instance and the single-node cluster `cluster`.
 */
async function registerHost({
  uuid,
  cluster,
  name,
  port,
  edit = () => undefined,
}: {
  uuid: string;
  cluster: string;
  name: string;
  port: number;
  edit?: (spec: any) => void;
}): Promise<string> {
  const template = JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json'));
  template.name = name;
  const spec = template.clusterconfiguration.spec.template.spec.kthreesConfigSpec;
  spec.serverConfig.httpsListenPort = String(port);
  edit(spec);
  await server.ok([201], 'POST', '/templates', template);
  const [host] = await server.register({ autoProvision: true, autoCluster: true, osProfile: EMT, template: `${name}:v0.0.4` }, [
    { uuid, cluster: { name: cluster } },
  ]);
  return host!.hostId;
}

async function waitForCluster(name: string, until: (answer: { status: number; body: any }) => boolean, output: () => string): Promise<any> {
  return vi.waitFor(
    async () => {
      const answer = await server.api('GET', `/clusters/${name}`);
      expect(until(answer), `cluster ${name}: ${JSON.stringify(answer)}\n${output()}`).toBe(true);
      return answer.body;
    },
    { timeout: 30_000, interval: 100 },
  );
}

function startAgent(
  root: string,
  uuid: string,
  extra: string[] = [],
): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      'agent',
      '--server',
      server.url,
      '--insecure-http',
      '--enroll-token',
      server.enrollmentToken,
      '--uuid',
      uuid,
      '--root',
      root,
      '--address',
      '10.0.0.5',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), output: () => output };
}

/** The mounts of the agent inside the namespaces (the child of unshare, which is the child of the entry). */
async function innerMounts(entryPid: number): Promise<Map<string, string>> {
  const childrenOf = async (pid: number) =>
    (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  const [unshare] = await childrenOf(entryPid);
  const [inner] = await childrenOf(unshare!);
  const lines = (await readFile(`/proc/${inner}/mountinfo`, 'utf8')).trim().split('\n');
  return new Map(
    lines.map((line) => {
      const fields = line.split(' ');
      return [fields[4]!, fields[5]!.split(',')[0]!];
    }),
  );
}

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('agent --root on an immutable EMT image root', () => {
  it("installs K3s air-gapped inside the root, with the image paths read-only, and removes it keeping the RPM's files", async () => {
    const root = join(dir, 'emt-root');
    const uuid = '4c4c4544-0000-1000-8000-00000000aa01';
    await composeImageRoot(root, { rpm, manifest: imageManifest() });
    const rpmFiles = Object.values(EMBEDDED_PATHS);
    const before = Object.fromEntries(await Promise.all(rpmFiles.map(async (p) => [p, await sha256(join(root, p))])));
    const port = await freePort();
    const hostId = await registerHost({ uuid, cluster: 'store-42', name: 'host-root-install', port });

    const agent = startAgent(root, uuid);
    const ready = await waitForCluster('store-42', ({ body }) => body.phase === 'ready' || body.phase === 'failed', agent.output);
    expect(ready, agent.output()).toMatchObject({
      phase: 'ready',
      message: expect.stringMatching(/^K3s v1\.32\.4\+k3s1 is ready \(air-gapped\)/),
      airGapped: true,
    });
    // The server saw the image the host runs, and serves the kubeconfig the agent uploaded, pointed at the host.
    expect((await server.ok<{ items: any[] }>([200], 'GET', '/instances')).items.find((i) => i.hostId === hostId)).toMatchObject({
      osProfile: EMT,
      observedOsProfile: EMT,
      state: 'running',
    });
    expect((await server.ok<{ state: string }>([200], 'GET', `/hosts/${hostId}`)).state).toBe('in-cluster');
    const kubeconfig = await server.ok<string>([200], 'GET', '/clusters/store-42/kubeconfig');
    expect(parse(kubeconfig).clusters[0].cluster.server).toBe(`https://10.0.0.5:${port}`);

    const mounts = await innerMounts(agent.child.pid!);
    expect(
      Object.fromEntries(
        ['/usr/local/bin', '/opt', '/etc/edge-orch', '/etc/rancher', '/var/lib/rancher', '/run'].map((m) => [m, mounts.get(m)]),
      ),
    ).toEqual({
      '/usr/local/bin': 'ro',
      '/opt': 'ro',
      '/etc/edge-orch': 'ro',
      '/etc/rancher': 'rw',
      '/var/lib/rancher': 'rw',
      '/run': 'rw',
    });
    // What the install script and the agent wrote is in the root, not on the machine.
    expect(existsSync(join(root, 'etc/rancher/k3s/config.yaml'))).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/k3s.service'))).toBe(true);
    expect(existsSync(join(root, 'var/lib/rancher/k3s/edge-orch/install.json'))).toBe(true);
    expect(existsSync('/etc/rancher/k3s/config.yaml')).toBe(false);
    expect(existsSync('/etc/systemd/system/k3s.service')).toBe(false);
    expect(JSON.parse(await readFile(join(root, 'var/lib/edge-orch-agent/credential.json'), 'utf8'))).toMatchObject({
      serverUrl: server.url,
      hostId,
    });

    // Deleting the cluster: the agent removes K3s, reports it removed, and the server forgets the cluster.
    expect(await server.ok([202], 'DELETE', '/clusters/store-42')).toMatchObject({ phase: 'deleting' });
    await waitForCluster('store-42', ({ status }) => status === 404, agent.output);
    expect((await server.ok<{ state: string }>([200], 'GET', `/hosts/${hostId}`)).state).toBe('provisioned');
    for (const path of rpmFiles) expect(await sha256(join(root, path))).toBe(before[path]);
    expect(existsSync(join(root, 'etc/rancher/k3s'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/rancher/k3s/server'))).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/system/k3s.service'))).toBe(false);

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 60_000);

  it("never writes a template file outside K3s's places: import skips it and the ready cluster names it", async () => {
    const root = join(dir, 'emt-root-2');
    const uuid = '4c4c4544-0000-1000-8000-00000000aa02';
    await composeImageRoot(root, { rpm, manifest: imageManifest() });
    await registerHost({
      uuid,
      cluster: 'store-43',
      name: 'host-root-escape',
      port: await freePort(),
      edit: (spec) => {
        spec.files.push({ path: '/etc/edge-orch-test-escape.conf', content: 'x', permissions: '0644' });
      },
    });
    // The first round shows the server the host's OS (the cluster waits for it); the second gets the plan.
    const first = startAgent(root, uuid, ['--once']);
    expect(await first.exited, first.output()).toBe(0);
    const agent = startAgent(root, uuid, ['--once']);
    expect(await agent.exited, agent.output()).toBe(0);
    const ready = await waitForCluster('store-43', () => true, agent.output);
    expect(ready.phase).toBe('ready');
    expect(ready.message).toContain('/etc/edge-orch-test-escape.conf is not written: /etc/edge-orch-test-escape.conf is outside');
    expect(existsSync('/etc/edge-orch-test-escape.conf')).toBe(false);
    expect(existsSync(join(root, 'etc/edge-orch-test-escape.conf'))).toBe(false);
  }, 60_000);
});
