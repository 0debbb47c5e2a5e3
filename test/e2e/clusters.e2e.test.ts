/**
 * End to end: the real server, real agents on emulated hosts, real (stand-in) K3s. The EMT image is built with
 * `edge-orch emt spec|build|packagelist|imageconfig|compose` from the K3s stand-in sources and imported from its
 * manifest.json; Ubuntu-like hosts run an image without K3s and download it from a local mirror (the server's
 * configured mirror URL). Every host is a network namespace whose only link is a veth to a test bridge (EMT hosts
 * cannot even route to the mirror), running `edge-orch agent --root` on its own copy of its image root, where an
 * EMT image is read-only except the paths EMT keeps writable. Hosts are registered from an EMF CSV with
 * `edge-orch host import --auto-provision --auto-cluster`; then the clusters' lives are followed through the API.
 * Needs root (network namespaces, mounts, rpm, dnf). Writes test-output/e2e-timings.json and copies the agents'
 * logs to test-output/e2e-agent-logs/.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadServerConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { writeStandinMirror } from '../standins/standin-sources.ts';
import { FORMATS_DIR } from '../support/formats.ts';
import { createE2eApi, type E2eApi } from './support/api-client.ts';
import { startCountingMirror, type CountingMirror } from './support/counting-mirror.ts';
import { createEdgeOrchCli, type EdgeOrchCli } from '../support/edge-orch-cli.ts';
import { startEmulatedHost, type EmulatedHost } from './support/emulated-host.ts';
import { prepareImageRoots, type ImageRoots } from './support/image-roots.ts';
import { registerHosts } from './support/register-hosts.ts';
import { HOST_WRITABLE_PATHS, snapshotImageRoot } from './support/root-snapshot.ts';
import { createTestNetwork, type TestNetwork } from './support/test-network.ts';

const EMT_VERSION = 'v1.32.4+k3s1';
const DOWNLOAD_VERSION = 'v1.33.5+k3s1';
const OUTPUT_DIR = join(import.meta.dirname, '..', '..', 'test-output');
const TIMINGS_FILE = join(OUTPUT_DIR, 'e2e-timings.json');
/** Every agent's log is copied here when the test ends, pass or fail. */
const LOGS_DIR = join(OUTPUT_DIR, 'e2e-agent-logs');

type Role = 'delete' | 'deauthorize' | 'keep' | 'corrupt' | 'download';
interface HostSpec {
  /** The host's serial; the server names the host `host-<serial>`. */
  serial: string;
  image: 'emt' | 'ubuntu';
  role: Role;
  uuid: string;
}
const SPECS: HostSpec[] = [
  { serial: 'e2e-emt-1', image: 'emt', role: 'delete' },
  { serial: 'e2e-emt-2', image: 'emt', role: 'deauthorize' },
  { serial: 'e2e-emt-3', image: 'emt', role: 'keep' },
  { serial: 'e2e-emt-bad', image: 'emt', role: 'corrupt' },
  { serial: 'e2e-ubuntu-1', image: 'ubuntu', role: 'download' },
  { serial: 'e2e-ubuntu-2', image: 'ubuntu', role: 'download' },
].map((spec, i) => ({ ...spec, uuid: `e2e00000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` }) as HostSpec);

interface Host extends HostSpec {
  name: string;
  agent: EmulatedHost;
  cluster: string;
}

let dir: string;
let network: TestNetwork;
let mirror: CountingMirror;
let server: RunningServer;
let api: E2eApi;
let cli: EdgeOrchCli;
let images: ImageRoots;
let emtImageSnapshot: Record<string, string>;
const hosts: Host[] = [];
let registeredAt = 0;
const readyAfterMs = new Map<string, number>();
const finalClusters = new Map<string, { phase: string; message: string }>();

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const hostBy = (role: Role): Host => hosts.find((h) => h.role === role)!;
const seconds = (ms: number | null): string => `${((ms ?? 0) / 1000).toFixed(1)} s`;

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function agentLogs(): Promise<string> {
  const logs = await Promise.all(
    hosts.map(
      async (h) => `--- ${h.name} (${h.agent.namespace}, ${h.agent.address})\n${(await h.agent.log()).split('\n').slice(-15).join('\n')}`,
    ),
  );
  return logs.join('\n');
}

async function hostState(name: string): Promise<string | undefined> {
  const { items } = await api.expect<{ items: { name: string; state: string }[] }>([200], 'GET', '/hosts?limit=100');
  return items.find((i) => i.name === name)?.state;
}

beforeAll(async () => {
  if (process.getuid?.() !== 0)
    throw new Error('the end-to-end test needs root (network namespaces, mounts, rpm, dnf); run the suite as root');
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-e2e-'));
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'operator'), { recursive: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  network = createTestNetwork();

  // The EMT image with the real `edge-orch emt` commands; the operator's CLI keeps its login in the test directory.
  images = await prepareImageRoots(join(dir, 'images'), {
    emtVersion: EMT_VERSION,
    cli: createEdgeOrchCli({ home: join(dir, 'operator'), cwd: join(dir, 'images') }),
  });
  emtImageSnapshot = await snapshotImageRoot(images.emt);
  await writeStandinMirror(join(dir, 'mirror'), { versions: [DOWNLOAD_VERSION] });
  mirror = await startCountingMirror({ dir: join(dir, 'mirror'), host: network.mirrorAddress });

  server = await startServer(
    loadServerConfig({ dataDir: join(dir, 'server'), host: network.serverAddress, port: 0, logLevel: 'warn', mirrorUrl: mirror.url }, {}),
  );
  cli = createEdgeOrchCli({ home: join(dir, 'operator') });
  expect(server.url).toMatch(/^https:/);
  await cli.ok(['login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!]);
  api = createE2eApi({
    serverUrl: server.url,
    token: (await readFile(server.adminTokenFile!, 'utf8')).trim(),
    caCertificate: await readFile(server.caFile!, 'utf8'),
  });

  await cli.ok(['osprofile', 'import', images.emtManifest, images.ubuntuManifest]);
  await cli.ok([
    'template',
    'import',
    ...['baseline-k3s-v0.0.4.json', 'baseline-k3s-v0.0.10.json'].map((f) => join(FORMATS_DIR, 'templates', f)),
  ]);
  const { token: enrollToken } = await api.expect<{ token: string }>([201], 'POST', '/enrollment-tokens', { name: 'e2e' });

  // Each host gets its own copy of its image root; one EMT copy gets a corrupted air-gap image.
  for (const spec of SPECS) {
    const root = join(dir, 'hosts', spec.serial);
    await cp(spec.image === 'emt' ? images.emt : images.ubuntu, root, {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
    });
    if (spec.role === 'corrupt') await writeFile(join(root, images.embedded.airgapImage), 'corrupted air-gap image\n');
    const { namespace, address } = network.addHost({ canReachMirror: spec.image !== 'emt' });
    const agent = startEmulatedHost({
      namespace,
      address,
      root,
      uuid: spec.uuid,
      serial: spec.serial,
      serverUrl: server.url,
      enrollToken,
      logFile: join(dir, 'logs', `${spec.serial}.log`),
      // The agent trusts the server's CA until enrollment pins it, and downloads only from the server's mirror.
      agentArgs: ['--ca-file', server.caFile!, '--mirror-url', mirror.url],
    });
    hosts.push({ ...spec, name: `host-${spec.serial}`, agent, cluster: `${spec.serial}-cluster` });
  }
  // The hosts are up and waiting to be registered before anyone registers them.
  await waitFor(
    'every agent to ask to enroll',
    async () => (await Promise.all(hosts.map(async (h) => (await h.agent.log()).includes('"msg":"enrolling"')))).every(Boolean),
    { timeoutMs: 60_000 },
  ).catch(async (error) => {
    throw new Error(`${(error as Error).message}\n${await agentLogs()}`);
  });

  registeredAt = Date.now();
  const imported = await registerHosts({
    cli,
    dir,
    hosts: hosts.map((h) => ({
      serial: h.serial,
      uuid: h.uuid,
      cluster: h.cluster,
      osProfile: h.image === 'emt' ? images.emtProfile : images.ubuntuProfile,
      template: h.image === 'emt' ? 'baseline-k3s:v0.0.4' : 'baseline-k3s:v0.0.10',
    })),
  });
  expect(imported.totals).toEqual({ hosts: hosts.length, succeeded: hosts.length, failed: 0 });

  const settled = new Set(['ready', 'failed']);
  await waitFor(
    'every cluster to become ready (or fail)',
    async () => {
      const { items } = await api.expect<{ items: { name: string; phase: string; message: string }[] }>(
        [200],
        'GET',
        '/clusters?limit=100',
      );
      for (const cluster of items) {
        if (cluster.phase === 'ready' && !readyAfterMs.has(cluster.name)) readyAfterMs.set(cluster.name, Date.now() - registeredAt);
        finalClusters.set(cluster.name, cluster);
      }
      return hosts.every((h) => settled.has(finalClusters.get(h.cluster)?.phase ?? ''));
    },
    { timeoutMs: 90_000 },
  ).catch(async (error) => {
    throw new Error(`${(error as Error).message}\nclusters: ${JSON.stringify([...finalClusters.values()])}\n${await agentLogs()}`);
  });

  // Registration-to-ready: from the start of `edge-orch host import` to the cluster's ready phase seen by the API.
  const ready = hosts
    .filter((h) => readyAfterMs.has(h.cluster))
    .map((h) => ({ host: h.name, image: h.image, cluster: h.cluster, registrationToReadyMs: readyAfterMs.get(h.cluster)! }));
  const all = ready.map((r) => r.registrationToReadyMs).sort((a, b) => a - b);
  const median =
    all.length === 0
      ? null
      : all.length % 2 === 1
        ? all[(all.length - 1) / 2]!
        : Math.round((all[all.length / 2 - 1]! + all[all.length / 2]!) / 2);
  const summary = {
    hosts: hosts.length,
    ready: ready.length,
    medianMs: median,
    maxMs: all.at(-1) ?? null,
    measuredFrom: 'start of edge-orch host import',
    perHost: ready,
  };
  await mkdir(join(TIMINGS_FILE, '..'), { recursive: true });
  await writeFile(TIMINGS_FILE, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`registration-to-ready: ${ready.map((r) => `${r.host} ${seconds(r.registrationToReadyMs)}`).join(', ')}`);
  console.log(
    `registration-to-ready over ${ready.length} clusters: median ${seconds(summary.medianMs)}, max ${seconds(summary.maxMs)} (${TIMINGS_FILE})`,
  );
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(hosts.map((h) => h.agent.stop(3000)));
  await network?.dispose();
  if (hosts.length > 0) {
    await rm(LOGS_DIR, { recursive: true, force: true });
    await mkdir(LOGS_DIR, { recursive: true });
    await Promise.allSettled(hosts.map((h) => cp(h.agent.logFile, join(LOGS_DIR, `${h.name}.log`))));
  }
  await mirror?.close().catch(() => undefined);
  await server?.close().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('clusters on emulated hosts, end to end', () => {
  it('brings every cluster on a sound host to ready: EMT air-gapped, Ubuntu by download', async () => {
    for (const host of hosts.filter((h) => h.role !== 'corrupt')) {
      expect({ cluster: host.cluster, phase: finalClusters.get(host.cluster)?.phase }).toEqual({ cluster: host.cluster, phase: 'ready' });
    }
    expect(finalClusters.get(hostBy('keep').cluster)?.message).toMatch(/^K3s v1\.32\.4\+k3s1 is ready \(air-gapped\)/);
    expect(finalClusters.get(hostBy('download').cluster)?.message).toMatch(/^K3s v1\.33\.5\+k3s1 is ready \(download\)/);
    for (const host of hosts.filter((h) => h.role !== 'corrupt'))
      expect({ host: host.name, state: await hostState(host.name) }).toEqual({ host: host.name, state: 'in-cluster' });
  });

  it('never lets an EMT host download anything from the mirror, while Ubuntu hosts fetch K3s there', () => {
    for (const host of hosts.filter((h) => h.image === 'emt'))
      expect({ host: host.name, served: mirror.served.get(host.agent.address) ?? null }).toEqual({ host: host.name, served: null });
    for (const host of hosts.filter((h) => h.image === 'ubuntu')) {
      const served = mirror.served.get(host.agent.address);
      expect(served?.paths).toEqual([
        '/k3s/install.sh',
        `/k3s/download/${DOWNLOAD_VERSION}/sha256sum-amd64.txt`,
        `/k3s/download/${DOWNLOAD_VERSION}/k3s`,
      ]);
      expect(served!.bytes).toBeGreaterThan(0);
    }
  });

  it('serves the kubeconfig the agent uploaded, pointed at the host', async () => {
    const host = hostBy('keep');
    const answer = await api.call('GET', `/clusters/${host.cluster}/kubeconfig`);
    expect(answer.status).toBe(200);
    expect(parse(answer.text).clusters[0].cluster.server).toBe(`https://${host.agent.address}:6443`);
  });

  it('fails the cluster of an EMT host whose air-gap image was corrupted, naming the file and both sha256', async () => {
    const host = hostBy('corrupt');
    const file = images.embedded.airgapImage;
    const actual = await sha256(join(host.agent.root, file));
    const expected = await sha256(join(images.emt, file));
    expect(finalClusters.get(host.cluster)).toMatchObject({
      phase: 'failed',
      message: `K3sArtifactMismatch: the air-gap image ${file} has sha256 ${actual}, expected ${expected}; an air-gapped install never downloads K3s instead`,
    });
    expect(existsSync(join(host.agent.root, 'etc/rancher/k3s/config.yaml'))).toBe(false);
  });

  it("deletes a cluster: K3s state goes, the RPM's files stay byte-identical, and the host is provisioned again", async () => {
    const host = hostBy('delete');
    const rpmFiles = Object.values(images.embedded);
    const before = Object.fromEntries(await Promise.all(rpmFiles.map(async (p) => [p, await sha256(join(images.emt, p))])));
    await api.expect([202], 'DELETE', `/clusters/${host.cluster}`);
    await waitFor(
      `cluster ${host.cluster} to be deleted`,
      async () => (await api.call('GET', `/clusters/${host.cluster}`)).status === 404,
      { timeoutMs: 30_000 },
    );
    for (const path of rpmFiles)
      expect({ path, sha256: await sha256(join(host.agent.root, path)) }).toEqual({ path, sha256: before[path] });
    for (const path of [
      'etc/rancher/k3s',
      'var/lib/rancher/k3s/server',
      'var/lib/rancher/k3s/edge-orch',
      'etc/systemd/system/k3s.service',
    ]) {
      expect({ path, exists: existsSync(join(host.agent.root, path)) }).toEqual({ path, exists: false });
    }
    await waitFor(`host ${host.name} to be provisioned`, async () => (await hostState(host.name)) === 'provisioned', { timeoutMs: 15_000 });
  });

  it('deletes the auto-created cluster of a deauthorized host', async () => {
    const host = hostBy('deauthorize');
    const { items } = await api.expect<{ items: { id: string; name: string }[] }>([200], 'GET', '/hosts?limit=100');
    await api.expect([200], 'POST', `/hosts/${items.find((i) => i.name === host.name)!.id}/deauthorize`);
    await waitFor(
      `cluster ${host.cluster} to be deleted`,
      async () => (await api.call('GET', `/clusters/${host.cluster}`)).status === 404,
      { timeoutMs: 30_000 },
    );
    expect(existsSync(join(host.agent.root, 'etc/rancher/k3s'))).toBe(false);
  });

  it('keeps the EMT image read-only: writes into it fail on the host, and nothing outside the writable paths changed', async () => {
    const host = hostBy('keep');
    for (const path of ['/usr/local/bin/e2e-probe', '/opt/e2e-probe', '/etc/edge-orch/e2e-probe']) {
      const write = host.agent.runInside(['touch', path]);
      expect({ path, code: write.code, readOnly: /read-only file system/i.test(write.output) }).toEqual({ path, code: 1, readOnly: true });
      expect(existsSync(join(host.agent.root, path))).toBe(false);
    }
    // The writable paths are writable (the same check, so the probe itself is known to work).
    expect(host.agent.runInside(['touch', '/var/lib/rancher/e2e-probe'])).toMatchObject({ code: 0 });
    await rm(join(host.agent.root, 'var/lib/rancher/e2e-probe'));

    // Every EMT host, after its whole life (install, failure, deletion, deauthorization), still holds the image
    // byte for byte outside the writable paths.
    expect(HOST_WRITABLE_PATHS).toEqual(expect.arrayContaining(['/etc/rancher', '/var/lib/rancher', '/var/lib/kubelet', '/run']));
    expect(Object.keys(emtImageSnapshot)).toEqual(
      expect.arrayContaining(['/usr/local/bin/k3s', '/usr/share/k3s/install.sh', '/etc/edge-orch/image-manifest.json']),
    );
    for (const emt of hosts.filter((h) => h.image === 'emt')) {
      // The corrupted host's copy differs from the image in its air-gap file from the start, and only there.
      const expected =
        emt.role === 'corrupt'
          ? { ...emtImageSnapshot, [images.embedded.airgapImage]: (await snapshotImageRoot(emt.agent.root))[images.embedded.airgapImage] }
          : emtImageSnapshot;
      expect({ host: emt.name, root: await snapshotImageRoot(emt.agent.root) }).toEqual({ host: emt.name, root: expected });
    }
  });
});
