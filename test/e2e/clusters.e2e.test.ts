/**
 * End to end: the real server, real agents on emulated hosts that boot systemd, K3s's real install script and
 * the stand-in K3s binary. The EMT image is built with `edge-orch emt spec|build|packagelist|imageconfig|compose`
 * from the K3s stand-in sources and K3s's install script, and imported from its manifest.json; Ubuntu-like hosts
 * run an image without K3s and download it from a local mirror (the server's configured mirror URL). Every host
 * is a systemd-nspawn machine (test/hosts/systemd-host.ts) in a network namespace whose only link is a veth to a
 * test bridge (EMT hosts cannot even route to the mirror); its own systemd starts the agent from the
 * edge-orch-agent RPM its image carries, with the settings file provisioned for it (write-agent-settings.ts).
 * An EMT host sees its image's /usr read-only. Hosts are registered from an EMF CSV with
 * `edge-orch host import --auto-provision --auto-cluster`; then the clusters' lives are followed through the API
 * and inside the machines, down to what a deletion leaves (read-k3s-leftovers.ts). Needs root (network namespaces, mounts, nspawn, rpm, dnf). Writes
 * test-output/e2e-timings.json and copies the hosts' journals of the agent and K3s to test-output/e2e-agent-logs/.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { K3S_HOST_PATHS } from '../../src/domain/bootstrap/k3s-host-paths.ts';
import { AGENT_PACKAGE_NAME, AGENT_PACKAGE_PATHS, AGENT_UNIT_NAME as AGENT_UNIT } from '../../src/domain/emt/agent-package.ts';
import { ensureHostBaseRoot } from '../hosts/host-base-root.ts';
import type { SystemdHost } from '../hosts/systemd-host.ts';
import { writeStandinMirror } from '../standins/standin-sources.ts';
import { createEdgeOrchCli } from '../support/edge-orch-cli.ts';
import { FORMATS_DIR } from '../support/formats.ts';
import { readK3sInstallScript } from '../support/upstream.ts';
import type { E2eApi } from './support/api-client.ts';
import { bootE2eHost } from './support/boot-e2e-host.ts';
import { startCountingMirror, type CountingMirror } from './support/counting-mirror.ts';
import { startE2eControlPlane, type E2eControlPlane } from './support/e2e-control-plane.ts';
import { agentJournal, agentLines, systemctl, unitProperties, waitFor } from './support/host-probes.ts';
import { prepareImageRoots, type ImageRoots } from './support/image-roots.ts';
import { readK3sLeftovers, type K3sLeftovers } from './support/read-k3s-leftovers.ts';
import { registerHosts } from './support/register-hosts.ts';
import { createTestNetwork, type TestNetwork } from './support/test-network.ts';
import { tearDownE2eRun } from './support/tear-down-e2e.ts';

const EMT_VERSION = 'v1.32.4+k3s1';
const DOWNLOAD_VERSION = 'v1.33.5+k3s1';
const OUTPUT_DIR = join(import.meta.dirname, '..', '..', 'test-output');
const TIMINGS_FILE = join(OUTPUT_DIR, 'e2e-timings.json');
/** Every host's journal of the agent and K3s is copied here when the test ends, pass or fail. */
const LOGS_DIR = join(OUTPUT_DIR, 'e2e-agent-logs');

const installScript = await readK3sInstallScript();
/** Only K3s's real script drives systemd; the stand-in starts K3s itself, without a unit. */
const realScript = installScript.upstream;

type Role = 'delete' | 'deauthorize' | 'keep' | 'corrupt' | 'download' | 'restart';
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
  // Downloads too; its agent is restarted while the install script waits for the K3s binary.
  { serial: 'e2e-ubuntu-2', image: 'ubuntu', role: 'restart' },
].map((spec, i) => ({ ...spec, uuid: `e2e00000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` }) as HostSpec);

interface Host extends HostSpec {
  name: string;
  namespace: string;
  address: string;
  machine: SystemdHost;
  cluster: string;
}

let dir: string;
let network: TestNetwork;
let mirror: CountingMirror;
let control: E2eControlPlane;
let api: E2eApi;
let images: ImageRoots;
const hosts: Host[] = [];
let registeredAt = 0;
const readyAfterMs = new Map<string, number>();
const finalClusters = new Map<string, { phase: string; message: string }>();
/** What the restarted agent's host looked like when its agent was told to restart. */
let restartedMidInstall: { recordState: string | null; agentState: string } | undefined;

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const hostBy = (role: Role): Host => hosts.find((h) => h.role === role)!;
const seconds = (ms: number | null): string => `${((ms ?? 0) / 1000).toFixed(1)} s`;
const median = (values: number[]): number | null => {
  const all = [...values].sort((a, b) => a - b);
  if (all.length === 0) return null;
  const middle = Math.floor(all.length / 2);
  return all.length % 2 === 1 ? all[middle]! : Math.round((all[middle - 1]! + all[middle]!) / 2);
};

async function agentLogs(): Promise<string> {
  const logs = await Promise.all(
    hosts.map(async (h) => `--- ${h.name} (${h.namespace}, ${h.address})\n${(await agentJournal(h)).split('\n').slice(-15).join('\n')}`),
  );
  return logs.join('\n');
}

async function hostState(name: string): Promise<string | undefined> {
  const { items } = await api.expect<{ items: { name: string; state: string }[] }>([200], 'GET', '/hosts?limit=100');
  return items.find((i) => i.name === name)?.state;
}

const readInstallRecord = async (host: Host): Promise<string | null> =>
  readFile(join(host.machine.root, K3S_HOST_PATHS.marker), 'utf8').catch(() => null);

/** Whether systemd knows K3s's unit and whether it runs. */
const k3sUnit = (host: Host): Promise<Record<string, string>> => unitProperties(host, 'k3s', ['LoadState', 'ActiveState']);

/** The pids of `k3s server|agent` processes on `host` (the stand-in runs on Node.js, so by command line). */
async function k3sProcesses(host: Host): Promise<string[]> {
  const { output } = await host.machine.run(['pgrep', '--full', '--', '/k3s (server|agent)( |$)']);
  return output.trim() ? output.trim().split('\n') : [];
}

/** Waits for the cluster of `host` to be deleted; on timeout says where the cluster stands (a failed removal's reason). */
async function waitForDeletion(host: Host): Promise<void> {
  await waitFor(`cluster ${host.cluster} to be deleted`, async () => (await api.call('GET', `/clusters/${host.cluster}`)).status === 404, {
    timeoutMs: 60_000,
  }).catch(async (error) => {
    throw new Error(`${(error as Error).message}: ${(await api.call('GET', `/clusters/${host.cluster}`)).text}`);
  });
}

const leftovers = (host: Host): Promise<K3sLeftovers> => readK3sLeftovers((argv) => host.machine.run(argv));
const NO_LEFTOVERS: K3sLeftovers = { processes: [], mounts: [], interfaces: [], rules: [] };

/**
 * `rpm -V` of the k3s and agent packages inside the machine: every file a package owns that differs from the
 * package, but the agent's settings file, which is the host's own by design (a noreplace config file).
 */
async function changedPackageFiles(host: Host): Promise<string[]> {
  const { output } = await host.machine.run(['rpm', '-V', 'k3s', AGENT_PACKAGE_NAME]);
  return output.split('\n').filter((line) => line.trim() !== '' && !line.endsWith(` c ${AGENT_PACKAGE_PATHS.config}`));
}

/** What remains of K3s on `host` after its removal, and what of its packages changed. */
async function afterRemoval(host: Host): Promise<Record<string, unknown>> {
  return {
    host: host.name,
    ...(await leftovers(host)),
    ...(realScript ? { unit: await k3sUnit(host) } : {}),
    changedPackageFiles: await changedPackageFiles(host),
  };
}
const NOTHING_LEFT = (host: Host): Record<string, unknown> => ({
  host: host.name,
  ...NO_LEFTOVERS,
  ...(realScript ? { unit: { LoadState: 'not-found', ActiveState: 'inactive' } } : {}),
  changedPackageFiles: [],
});

/** How often systemd started K3s's unit on `host`, over every boot. */
const k3sStarts = async (host: Host): Promise<number> =>
  (await host.machine.run(['journalctl', '--no-pager', '-o', 'cat', '-u', 'k3s.service'])).output
    .split('\n')
    .filter((line) => line.startsWith('Started k3s.service')).length;

/**
 * Restarts the agent of the `restart` host while its install script waits for the K3s binary from the mirror,
 * and releases the download only once systemd is stopping the agent: the restart is certainly mid-install.
 */
async function restartAgentMidInstall(host: Host, hold: { reached: Promise<void>; release(): void }): Promise<void> {
  let reached = false;
  void hold.reached.then(() => (reached = true));
  await waitFor(`the install script on ${host.name} to ask the mirror for the K3s binary`, async () => reached, { timeoutMs: 150_000 });
  const recordState = (JSON.parse((await readInstallRecord(host)) ?? 'null') as { state?: string } | null)?.state ?? null;
  const restart = host.machine.run(['systemctl', 'restart', AGENT_UNIT], 180_000);
  try {
    const agentState = await waitFor(
      `systemd to stop the agent of ${host.name}`,
      async () => {
        const state = await systemctl(host, 'is-active', AGENT_UNIT);
        return state === 'deactivating' ? state : false;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    restartedMidInstall = { recordState, agentState };
  } finally {
    hold.release();
  }
  const done = await restart;
  if (done.code !== 0) throw new Error(`systemctl restart ${AGENT_UNIT} on ${host.name} failed: ${done.output}`);
}

// The time limit is generous: the first run also builds the hosts' base root (about 100 s on a quiet machine,
// 800 s measured on two cores under a load of 20).
beforeAll(async () => {
  if (process.getuid?.() !== 0)
    throw new Error('the end-to-end test needs root (network namespaces, mounts, nspawn, rpm, dnf); run the suite as root');
  console.log(
    installScript.upstream
      ? `K3s install script: K3s's real one, ${installScript.path}`
      : `K3s install script: ../shared/upstream is absent, using the project's stand-in ${installScript.path} (no systemd unit checks)`,
  );
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-e2e-'));
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'operator'), { recursive: true });
  network = createTestNetwork();

  // The EMT image with the real `edge-orch emt` commands (the operator's CLI keeps its login in the test
  // directory), while the hosts' Debian base root is made or found in the cache.
  const [base, prepared] = await Promise.all([
    ensureHostBaseRoot(),
    prepareImageRoots(join(dir, 'images'), {
      emtVersion: EMT_VERSION,
      installScript: installScript.text,
      cli: createEdgeOrchCli({ home: join(dir, 'operator'), cwd: join(dir, 'images') }),
    }),
  ]);
  images = prepared;
  // The downloaded K3s stand-in runs on the Node.js runtime the agent package brought, as the image's does.
  await writeStandinMirror(join(dir, 'mirror'), {
    versions: [DOWNLOAD_VERSION],
    installScript: installScript.text,
    nodePath: AGENT_PACKAGE_PATHS.runtime,
  });
  mirror = await startCountingMirror({ dir: join(dir, 'mirror'), host: network.mirrorAddress });

  control = await startE2eControlPlane({ dir, network, mirrorUrl: mirror.url });
  const { cli } = control;
  api = control.api;
  expect(control.server.url).toMatch(/^https:/);

  await cli.ok(['osprofile', 'import', images.emtManifest, images.ubuntuManifest]);
  await cli.ok([
    'template',
    'import',
    ...['baseline-k3s-v0.0.4.json', 'baseline-k3s-v0.0.10.json'].map((f) => join(FORMATS_DIR, 'templates', f)),
  ]);

  // Every host boots on its image over the base root; its own systemd starts the agent its image carries, with
  // the settings provisioned for it. One EMT host's copy of its image carries a corrupted air-gap image.
  const booted = await Promise.allSettled(
    SPECS.map(async (spec) => {
      const { namespace, address, machine } = await bootE2eHost({
        dir,
        network,
        control,
        serial: spec.serial,
        uuid: spec.uuid,
        layers: [spec.image === 'emt' ? images.emt : images.ubuntu, base],
        immutable: spec.image === 'emt',
        canReachMirror: spec.image !== 'emt',
        ...(spec.image === 'ubuntu' ? { mirrorUrl: mirror.url } : {}),
        populate: async (upper) => {
          if (spec.role === 'corrupt') {
            await mkdir(dirname(join(upper, images.embedded.airgapImage)), { recursive: true });
            await writeFile(join(upper, images.embedded.airgapImage), 'corrupted air-gap image\n');
          }
        },
      });
      return { ...spec, name: `host-${spec.serial}`, namespace, address, machine, cluster: `${spec.serial}-cluster` };
    }),
  );
  for (const result of booted) if (result.status === 'fulfilled') hosts.push(result.value);
  const failedBoot = booted.find((r) => r.status === 'rejected');
  if (failedBoot) throw (failedBoot as PromiseRejectedResult).reason;
  console.log(`boot: ${hosts.map((h) => `${h.serial} ${seconds(h.machine.bootMs)}`).join(', ')}`);

  // The hosts are up and their agents waiting to be registered before anyone registers them.
  await waitFor(
    'every agent, started by systemd, to ask to enroll',
    async () => (await Promise.all(hosts.map(async (h) => (await agentJournal(h)).includes('"msg":"enrolling"')))).every(Boolean),
    { timeoutMs: 90_000, intervalMs: 500 },
  ).catch(async (error) => {
    throw new Error(`${(error as Error).message}\n${await agentLogs()}`);
  });

  // The stand-in script runs K3s inside the agent's own unit, which a restart stops: only the real one is restarted.
  const hold = realScript ? mirror.hold(hostBy('restart').address, `/k3s/download/${DOWNLOAD_VERSION}/k3s`) : null;
  registeredAt = Date.now();
  const restarting = hold ? restartAgentMidInstall(hostBy('restart'), hold) : Promise.resolve();
  restarting.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
  const imported = await registerHosts({
    cli: control.cli,
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
    { timeoutMs: 150_000 },
  ).catch(async (error) => {
    hold?.release();
    throw new Error(`${(error as Error).message}\nclusters: ${JSON.stringify([...finalClusters.values()])}\n${await agentLogs()}`);
  });
  await restarting;

  // Registration-to-ready: from the start of `edge-orch host import` to the cluster's ready phase seen by the
  // API. The host whose agent was restarted mid-install is listed but left out of the median and maximum.
  // Install: from the agent's "installing K3s" to its "K3s is ready", as its log says.
  const perHost = await Promise.all(
    hosts
      .filter((h) => readyAfterMs.has(h.cluster))
      .map(async (h) => {
        const [installing] = await agentLines(h, 'installing K3s');
        const [ready] = await agentLines(h, 'K3s is ready');
        return {
          host: h.name,
          image: h.image,
          cluster: h.cluster,
          registrationToReadyMs: readyAfterMs.get(h.cluster)!,
          bootMs: h.machine.bootMs,
          installMs: installing && ready ? Number(ready['time']) - Number(installing['time']) : null,
          ...(h.role === 'restart' ? { agentRestartedMidInstall: true } : {}),
        };
      }),
  );
  const counted = perHost.filter((r) => !r.agentRestartedMidInstall).map((r) => r.registrationToReadyMs);
  const installs = perHost.filter((r) => !r.agentRestartedMidInstall && r.installMs !== null).map((r) => r.installMs!);
  const summary = {
    hosts: hosts.length,
    ready: perHost.length,
    medianMs: median(counted),
    maxMs: counted.length ? Math.max(...counted) : null,
    measuredFrom: 'start of edge-orch host import',
    installScript: installScript.upstream ? 'k3s-io/k3s install.sh' : 'edge-orch stand-in',
    bootMedianMs: median(hosts.map((h) => h.machine.bootMs)),
    installMedianMs: median(installs),
    perHost,
  };
  await mkdir(OUTPUT_DIR, { recursive: true });
  await writeFile(TIMINGS_FILE, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`registration-to-ready: ${perHost.map((r) => `${r.host} ${seconds(r.registrationToReadyMs)}`).join(', ')}`);
  console.log(
    `registration-to-ready over ${counted.length} clusters: median ${seconds(summary.medianMs)}, max ${seconds(summary.maxMs)}; ` +
      `boot median ${seconds(summary.bootMedianMs)}, install median ${seconds(summary.installMedianMs)} (${TIMINGS_FILE})`,
  );
}, 1_500_000);

afterAll(async () => {
  await tearDownE2eRun({ hosts, units: [AGENT_UNIT, 'k3s.service'], logsDir: LOGS_DIR, network, mirror, control, dir });
}, 120_000);

describe('clusters on systemd-booted emulated hosts, end to end', () => {
  it('brings every cluster on a sound host to ready: EMT air-gapped, Ubuntu by download', async () => {
    for (const host of hosts.filter((h) => h.role !== 'corrupt')) {
      expect({ cluster: host.cluster, phase: finalClusters.get(host.cluster)?.phase }).toEqual({ cluster: host.cluster, phase: 'ready' });
    }
    expect(finalClusters.get(hostBy('keep').cluster)?.message).toMatch(/^K3s v1\.32\.4\+k3s1 is ready \(air-gapped\)/);
    expect(finalClusters.get(hostBy('download').cluster)?.message).toMatch(/^K3s v1\.33\.5\+k3s1 is ready \(download\)/);
    for (const host of hosts.filter((h) => h.role !== 'corrupt'))
      expect({ host: host.name, state: await hostState(host.name) }).toEqual({ host: host.name, state: 'in-cluster' });
  });

  it.runIf(realScript)('runs K3s under systemd: the unit the install script wrote is enabled and active', async () => {
    for (const host of hosts.filter((h) => h.role !== 'corrupt')) {
      const unit = { enabled: await systemctl(host, 'is-enabled', 'k3s'), active: await systemctl(host, 'is-active', 'k3s') };
      expect({ host: host.name, ...unit }).toEqual({ host: host.name, enabled: 'enabled', active: 'active' });
    }
    // The one K3s process is the unit's main process.
    const keep = hostBy('keep');
    expect(await k3sProcesses(keep)).toEqual([
      (await keep.machine.run(['systemctl', 'show', 'k3s', '-p', 'MainPID', '--value'])).output.trim(),
    ]);
    // The agent itself runs as the unit systemd started on boot, the one its image's package installed.
    for (const host of hosts) {
      const { ActiveState, FragmentPath } = await unitProperties(host, AGENT_UNIT, ['ActiveState', 'FragmentPath']);
      // Debian's /lib is a link to /usr/lib, where systemd may name it.
      const unit = { ActiveState, FragmentPath: (await host.machine.run(['readlink', '-f', FragmentPath ?? ''])).output.trim() };
      const owner = (await host.machine.run(['rpm', '-qf', '--queryformat', '%{NAME}\\n', AGENT_PACKAGE_PATHS.unit])).output;
      expect({ host: host.name, unit, owner }).toEqual({
        host: host.name,
        unit: { ActiveState: 'active', FragmentPath: AGENT_PACKAGE_PATHS.unit },
        owner: `${AGENT_PACKAGE_NAME}\n`,
      });
    }
  });

  it("ships the install script the test runs in the EMT image's k3s package and on the mirror, byte for byte", async () => {
    const expected = createHash('sha256').update(installScript.text).digest('hex');
    const host = hostBy('keep');
    expect(images.embedded.installScript).toBe('/usr/share/k3s/install.sh');
    expect(await sha256(join(host.machine.root, images.embedded.installScript))).toBe(expected);
    expect(await sha256(join(dir, 'mirror', 'k3s', 'install.sh'))).toBe(expected);
    // The machine's rpm reads the image's database: the script is the k3s package's file.
    const owner = await host.machine.run(['rpm', '-qf', '--queryformat', '%{NAME}\\n', images.embedded.installScript]);
    expect(owner).toEqual({ code: 0, output: 'k3s\n' });
  });

  it('never lets an EMT host download anything from the mirror, while Ubuntu hosts fetch K3s there', () => {
    for (const host of hosts.filter((h) => h.image === 'emt'))
      expect({ host: host.name, served: mirror.served.get(host.address) ?? null }).toEqual({ host: host.name, served: null });
    for (const host of hosts.filter((h) => h.image === 'ubuntu')) {
      const served = mirror.served.get(host.address);
      expect(served?.paths).toEqual([
        '/k3s/install.sh',
        `/k3s/download/${DOWNLOAD_VERSION}/sha256sum-amd64.txt`,
        `/k3s/download/${DOWNLOAD_VERSION}/k3s`,
      ]);
      expect(served!.bytes).toBeGreaterThan(0);
    }
  });

  it.runIf(realScript)('restarts an agent mid-install without installing twice', async () => {
    const host = hostBy('restart');
    // systemd was stopping the agent while the install script still waited for the K3s binary.
    expect(restartedMidInstall).toEqual({ recordState: 'installing', agentState: 'deactivating' });
    expect(JSON.parse((await readInstallRecord(host))!)).toMatchObject({ state: 'ready', kubernetesVersion: DOWNLOAD_VERSION });
    // The install script ran once (it starts K3s's unit once); the agent started again found K3s installed.
    expect(await k3sStarts(host)).toBe(1);
    expect((await agentLines(host, 'K3s is ready')).map((l) => l['status'])).toEqual(['already-installed']);
    expect(await agentLines(host, 'enrolling')).toHaveLength(1); // the credential survived the restart
    // The stopping agent let the install finish and said so; it never called it failed.
    expect(await agentLines(host, 'installing K3s failed')).toEqual([]);
    expect(await agentLines(host, 'K3s installed while the agent was stopping; its next start reports it ready')).toHaveLength(1);
  });

  it('serves the kubeconfig the agent uploaded, pointed at the host', async () => {
    const host = hostBy('keep');
    const answer = await api.call('GET', `/clusters/${host.cluster}/kubeconfig`);
    expect(answer.status).toBe(200);
    expect(parse(answer.text).clusters[0].cluster.server).toBe(`https://${host.address}:6443`);
  });

  it.runIf(realScript)(
    'brings K3s back on a host rebooted after ready, without the agent installing again',
    async () => {
      const host = hostBy('keep');
      const record = await readInstallRecord(host);
      expect(JSON.parse(record!)).toMatchObject({ state: 'ready' });
      expect(await k3sStarts(host)).toBe(1);
      await host.machine.reboot();
      expect(await systemctl(host, 'is-active', 'k3s')).toBe('active');
      expect(await k3sStarts(host)).toBe(2); // once by the install script, once by systemd on boot
      const afterReboot = await waitFor(
        `the agent of ${host.name} to find K3s ready after the reboot`,
        async () => {
          const lines = await agentLines(host, 'K3s is ready', { thisBoot: true });
          return lines.length > 0 ? lines : false;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(afterReboot.map((l) => l['status'])).toEqual(['already-installed']);
      expect(await readInstallRecord(host)).toBe(record); // not rewritten: no install ran
      expect((await agentLines(host, 'K3s is ready')).map((l) => l['status'])).toEqual(['installed', 'already-installed']);
      const cluster = await api.expect<{ phase: string }>([200], 'GET', `/clusters/${host.cluster}`);
      expect(cluster.phase).toBe('ready');
      console.log(`reboot of ${host.name}: booted again in ${seconds(host.machine.bootMs)}`);
    },
    120_000,
  );

  it('fails the cluster of an EMT host whose air-gap image was corrupted, naming the file and both sha256', async () => {
    const host = hostBy('corrupt');
    const file = images.embedded.airgapImage;
    const actual = await sha256(join(host.machine.root, file));
    const expected = await sha256(join(images.emt, file));
    expect(finalClusters.get(host.cluster)).toMatchObject({
      phase: 'failed',
      message: `K3sArtifactMismatch: the air-gap image ${file} has sha256 ${actual}, expected ${expected}; an air-gapped install never downloads K3s instead`,
    });
    expect(existsSync(join(host.machine.root, 'etc/rancher/k3s/config.yaml'))).toBe(false);
  });

  it("deletes a cluster: K3s state goes, the RPM's files stay byte-identical, and the host is provisioned again", async () => {
    const host = hostBy('delete');
    const rpmFiles = Object.values(images.embedded);
    const before = Object.fromEntries(await Promise.all(rpmFiles.map(async (p) => [p, await sha256(join(images.emt, p))])));
    // What the cleanup must remove is there: K3s left what a running K3s leaves.
    const running = await leftovers(host);
    for (const [what, found] of Object.entries(running)) expect({ what, present: found.length > 0 }).toEqual({ what, present: true });
    await api.expect([202], 'DELETE', `/clusters/${host.cluster}`);
    await waitForDeletion(host);
    for (const path of rpmFiles)
      expect({ path, sha256: await sha256(join(host.machine.root, path)) }).toEqual({ path, sha256: before[path] });
    for (const path of [
      'etc/rancher/k3s',
      'var/lib/rancher/k3s/server',
      'var/lib/rancher/k3s/edge-orch',
      'etc/systemd/system/k3s.service',
    ]) {
      expect({ path, exists: existsSync(join(host.machine.root, path)) }).toEqual({ path, exists: false });
    }
    expect(await afterRemoval(host)).toEqual(NOTHING_LEFT(host));
    await waitFor(`host ${host.name} to be provisioned`, async () => (await hostState(host.name)) === 'provisioned', { timeoutMs: 30_000 });
  }, 90_000);

  it('deletes the auto-created cluster of a deauthorized host', async () => {
    const host = hostBy('deauthorize');
    const { items } = await api.expect<{ items: { id: string; name: string }[] }>([200], 'GET', '/hosts?limit=100');
    await api.expect([200], 'POST', `/hosts/${items.find((i) => i.name === host.name)!.id}/deauthorize`);
    await waitForDeletion(host);
    expect(existsSync(join(host.machine.root, 'etc/rancher/k3s'))).toBe(false);
    expect(await afterRemoval(host)).toEqual(NOTHING_LEFT(host));
  }, 90_000);

  it("keeps an EMT image's /usr read-only while /etc, /opt and /var/lib/rancher are writable, and no host wrote into /usr", async () => {
    const host = hostBy('keep');
    for (const path of ['/usr/local/bin/e2e-probe', '/usr/share/k3s/e2e-probe']) {
      const write = await host.machine.run(['touch', path]);
      expect({ path, code: write.code, readOnly: /read-only file system/i.test(write.output) }).toEqual({ path, code: 1, readOnly: true });
    }
    for (const path of ['/etc/edge-orch/e2e-probe', '/opt/e2e-probe', '/var/lib/rancher/e2e-probe']) {
      expect({ path, ...(await host.machine.run(['touch', path])) }).toMatchObject({ path, code: 0 });
      await host.machine.run(['rm', path]);
    }
    // Whatever each EMT host did in its whole life (install, failure, deletion, deauthorization, reboot), its own
    // layer holds nothing under /usr but the corrupted air-gap image planted before its first boot.
    for (const emt of hosts.filter((h) => h.image === 'emt')) {
      const written = existsSync(join(emt.machine.upper, 'usr')) ? await listFiles(join(emt.machine.upper, 'usr'), '/usr') : [];
      const planted = emt.role === 'corrupt' && images.embedded.airgapImage.startsWith('/usr/') ? [images.embedded.airgapImage] : [];
      expect({ host: emt.name, written }).toEqual({ host: emt.name, written: planted });
    }
  });
});

/** Every file and symlink under `dir`, as paths under `prefix`. */
async function listFiles(dir: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...(await listFiles(join(dir, entry.name), `${prefix}/${entry.name}`)));
    else found.push(`${prefix}/${entry.name}`);
  }
  return found.sort();
}
