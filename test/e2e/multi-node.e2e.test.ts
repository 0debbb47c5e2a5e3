/**
 * End to end, a multi-node cluster on EMT hosts: the real server, real agents from the edge-orch-agent RPM on
 * systemd-booted emulated hosts (test/hosts/systemd-host.ts), K3s's real install script and the stand-in K3s.
 * Two versions of one EMT OS profile are built with `edge-orch emt spec|build|compose` (3.0 embeds K3s
 * v1.32.4+k3s1, 3.1 embeds v1.33.5+k3s1) and imported. Four hosts are registered and provisioned from a CSV
 * without a cluster; three on 3.1 become a cluster made by hand (`edge-orch cluster create`, one server and two
 * agents) that comes up air-gapped although every host could reach the mirror. The fourth, on 3.0, is refused as
 * a node for its K3s version, then added with `osUpdate`: its agent runs the server's OS update command, a tool
 * the host carries that records the image asked for and reboots; while the machine is down the test, as the
 * host's firmware, boots it on the image asked for, and the host joins with the new image's K3s. Then the hosts
 * are deauthorized one by one: each leaves the cluster with K3s removed, and the cluster goes with the last.
 * Needs root. Writes test-output/e2e-multi-node-timings.json.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { K3S_HOST_PATHS } from '../../src/domain/bootstrap/k3s-host-paths.ts';
import { AGENT_PACKAGE_PATHS, AGENT_UNIT_NAME } from '../../src/domain/emt/agent-package.ts';
import { ensureHostBaseRoot } from '../hosts/host-base-root.ts';
import { writeStandinMirror } from '../standins/standin-sources.ts';
import { createEdgeOrchCli } from '../support/edge-orch-cli.ts';
import { FORMATS_DIR } from '../support/formats.ts';
import { readK3sInstallScript } from '../support/upstream.ts';
import { bootE2eHost, type E2eHost } from './support/boot-e2e-host.ts';
import { startCountingMirror, type CountingMirror } from './support/counting-mirror.ts';
import { startE2eControlPlane, type E2eControlPlane } from './support/e2e-control-plane.ts';
import { agentJournal, agentLines, unitProperties, waitFor } from './support/host-probes.ts';
import { prepareImageRoots, type ImageRoots } from './support/image-roots.ts';
import { readK3sLeftovers } from './support/read-k3s-leftovers.ts';
import { registerHosts } from './support/register-hosts.ts';
import { createTestNetwork, type TestNetwork } from './support/test-network.ts';
import { tearDownE2eRun } from './support/tear-down-e2e.ts';

const OLD_K3S = 'v1.32.4+k3s1';
const K3S = 'v1.33.5+k3s1';
const PROFILE_VERSION = { old: '3.0', current: '3.1' };
const TEMPLATE = 'baseline-k3s:v0.0.10';
const CLUSTER = 'e2e-multi';
const OUTPUT_DIR = join(import.meta.dirname, '..', '..', 'test-output');
const TIMINGS_FILE = join(OUTPUT_DIR, 'e2e-multi-node-timings.json');
const LOGS_DIR = join(OUTPUT_DIR, 'e2e-multi-node-logs');

/**
 * The host's image update tool (on its persistent /opt, as EMT's os-update tool is on its image): it records the
 * image asked for where the machine's firmware (the test) reads it while the machine is down, and reboots.
 */
const UPDATE_TOOL = '/opt/e2e-os-update/update-image';
const UPDATE_REQUEST = '/var/lib/e2e-os-update/request';
const UPDATE_TOOL_SCRIPT = `#!/bin/sh
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p ${UPDATE_REQUEST.slice(0, UPDATE_REQUEST.lastIndexOf('/'))}
printf '%s:%s\\n' "$1" "$2" > ${UPDATE_REQUEST}.partial
mv ${UPDATE_REQUEST}.partial ${UPDATE_REQUEST}
systemctl --no-block reboot
`;

const installScript = await readK3sInstallScript();
/** K3s's real script writes the units (k3s, k3s-agent); the stand-in starts K3s itself. */
const realScript = installScript.upstream;

type NodeRole = 'controlplane' | 'worker';
interface HostSpec {
  serial: string;
  role: NodeRole;
  /** The OS profile version (image) the host boots first. */
  image: string;
}
const SPECS: HostSpec[] = [
  { serial: 'e2e-mn-server', role: 'controlplane', image: PROFILE_VERSION.current },
  { serial: 'e2e-mn-agent-1', role: 'worker', image: PROFILE_VERSION.current },
  { serial: 'e2e-mn-agent-2', role: 'worker', image: PROFILE_VERSION.current },
  { serial: 'e2e-mn-update', role: 'worker', image: PROFILE_VERSION.old },
];

interface Host extends HostSpec, E2eHost {
  name: string;
  uuid: string;
}

let dir: string;
let base: string;
let network: TestNetwork;
let mirror: CountingMirror;
let control: E2eControlPlane;
let images: ImageRoots;
const hosts: Host[] = [];
const timings: Record<string, number> = {};

const hostBy = (serial: string): Host => hosts.find((h) => h.serial === serial)!;
const server = (): Host => hostBy('e2e-mn-server');
const updating = (): Host => hostBy('e2e-mn-update');
const imageRoot = (version: string): string =>
  version === PROFILE_VERSION.old ? images.emt : images.moreEmt.find((m) => m.imageVersion === version)!.root;
/** The K3s unit K3s's install script writes: k3s for a server, k3s-agent for an agent. */
const k3sUnitName = (host: Host): string => (host.role === 'controlplane' ? 'k3s' : 'k3s-agent');

interface ClusterView {
  phase: string;
  message: string;
  kubernetesVersion: string;
  airGapped: boolean;
  nodes: { hostId: string; role: string; phase?: string }[];
}
const getCluster = () => control.api.call<ClusterView>('GET', `/clusters/${CLUSTER}`);
const hostId = async (host: Host): Promise<string> => (await control.api.expect<{ id: string }>([200], 'GET', `/hosts/${host.name}`)).id;

async function waitForCluster(what: string, check: (c: ClusterView) => boolean, timeoutMs = 180_000): Promise<ClusterView> {
  return waitFor(
    what,
    async () => {
      const answer = await getCluster();
      return answer.status === 200 && check(answer.body) ? answer.body : false;
    },
    { timeoutMs, intervalMs: 500 },
  ).catch(async (error) => {
    const logs = await Promise.all(hosts.map(async (h) => `--- ${h.name}\n${(await agentJournal(h)).split('\n').slice(-12).join('\n')}`));
    throw new Error(`${(error as Error).message}\ncluster: ${(await getCluster()).text}\n${logs.join('\n')}`);
  });
}
const allReady = (size: number) => (c: ClusterView) =>
  c.phase === 'ready' && c.nodes.length === size && c.nodes.every((n) => n.phase === 'ready');

/** The K3s config the agent wrote on `host`, with its file mode. */
async function k3sConfig(host: Host): Promise<{ mode: string; config: Record<string, unknown> }> {
  const file = join(host.machine.root, K3S_HOST_PATHS.configFile);
  return {
    mode: ((await stat(file)).mode & 0o777).toString(8),
    config: parse(await readFile(file, 'utf8')) as Record<string, unknown>,
  };
}

/** Every journal line of the agent and K3s units on every host, and the machines' consoles. */
async function allHostLogs(): Promise<string> {
  const units = [AGENT_UNIT_NAME, 'k3s.service', 'k3s-agent.service'].flatMap((u) => ['-u', u]);
  const logs = await Promise.all(
    hosts.map(
      async (h) =>
        (await h.machine.run(['journalctl', '--no-pager', '-o', 'cat', ...units])).output + (await readFile(h.machine.consoleLog, 'utf8')),
    ),
  );
  return logs.join('\n');
}

/** What remains of K3s on `host`: its processes, mounts, interfaces, rules and units. */
async function k3sRemains(host: Host): Promise<Record<string, unknown>> {
  return {
    host: host.name,
    ...(await readK3sLeftovers((argv) => host.machine.run(argv))),
    ...(realScript
      ? {
          units: await Promise.all(['k3s', 'k3s-agent'].map(async (u) => (await unitProperties(host, u, ['LoadState']))['LoadState'])),
        }
      : {}),
    config: await stat(join(host.machine.root, K3S_HOST_PATHS.configFile)).then(
      () => 'present',
      () => 'absent',
    ),
  };
}
const NOTHING_REMAINS = (host: Host): Record<string, unknown> => ({
  host: host.name,
  processes: [],
  mounts: [],
  interfaces: [],
  rules: [],
  ...(realScript ? { units: ['not-found', 'not-found'] } : {}),
  config: 'absent',
});

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the end-to-end test needs root (network namespaces, mounts, nspawn, rpm, dnf)');
  const started = Date.now();
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-e2e-mn-'));
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'operator'), { recursive: true });
  network = createTestNetwork();
  [base, images] = await Promise.all([
    ensureHostBaseRoot(),
    prepareImageRoots(join(dir, 'images'), {
      emtVersion: OLD_K3S,
      installScript: installScript.text,
      cli: createEdgeOrchCli({ home: join(dir, 'operator'), cwd: join(dir, 'images') }),
      moreEmt: [{ k3sVersion: K3S, imageVersion: PROFILE_VERSION.current }],
    }),
  ]);
  timings['imagesMs'] = Date.now() - started;
  // A mirror every host could reach: the air-gapped installs must not use it.
  await writeStandinMirror(join(dir, 'mirror'), {
    versions: [K3S],
    installScript: installScript.text,
    nodePath: AGENT_PACKAGE_PATHS.runtime,
  });
  mirror = await startCountingMirror({ dir: join(dir, 'mirror'), host: network.mirrorAddress });
  control = await startE2eControlPlane({
    dir,
    network,
    mirrorUrl: mirror.url,
    osUpdateCommand: JSON.stringify([UPDATE_TOOL, '{osProfile}', '{version}']),
  });
  await control.cli.ok(['osprofile', 'import', images.emtManifest, images.moreEmt[0]!.manifest]);
  await control.cli.ok(['template', 'import', join(FORMATS_DIR, 'templates', 'baseline-k3s-v0.0.10.json')]);

  const bootStarted = Date.now();
  const booted = await Promise.allSettled(
    SPECS.map(async (spec, i) => {
      const uuid = `e2e00000-0000-4000-8001-${String(i + 1).padStart(12, '0')}`;
      const machine = await bootE2eHost({
        dir,
        network,
        control,
        serial: spec.serial,
        uuid,
        layers: [imageRoot(spec.image), base],
        immutable: true,
        canReachMirror: true,
        mirrorUrl: mirror.url,
        populate: async (upper) => {
          await mkdir(join(upper, 'opt', 'e2e-os-update'), { recursive: true });
          await writeFile(join(upper, UPDATE_TOOL), UPDATE_TOOL_SCRIPT, { mode: 0o755 });
        },
      });
      return { ...spec, ...machine, uuid, name: `host-${spec.serial}` };
    }),
  );
  for (const result of booted) if (result.status === 'fulfilled') hosts.push(result.value);
  const failed = booted.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  timings['bootMs'] = Date.now() - bootStarted;

  // Registered, then provisioned one by one (`edge-orch host provision`), each with the OS profile version of the
  // image it boots, without a cluster.
  await registerHosts({
    cli: control.cli,
    dir,
    hosts: hosts.map((h) => ({ serial: h.serial, uuid: h.uuid })),
    autoProvision: false,
  });
  const stateOf = async (host: Host): Promise<string> =>
    (await control.api.expect<{ state: string }>([200], 'GET', `/hosts/${host.name}`)).state;
  await waitFor('every agent to enroll', async () => (await Promise.all(hosts.map(stateOf))).every((s) => s === 'onboarded'), {
    timeoutMs: 120_000,
    intervalMs: 500,
  }).catch(async (error) => {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(await Promise.all(hosts.map(stateOf)))}`);
  });
  for (const host of hosts) await control.cli.ok(['host', 'provision', host.name, '--os-profile', `${images.emtProfile}:${host.image}`]);
  await waitFor(
    'every host to report its image',
    async () => {
      const { items } = await control.api.expect<{ items: { state: string }[] }>([200], 'GET', '/instances?limit=100');
      return items.length === hosts.length && items.every((i) => i.state === 'running');
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );

  const creating = Date.now();
  await control.cli.ok([
    'cluster',
    'create',
    CLUSTER,
    '--template',
    TEMPLATE,
    ...hosts.filter((h) => h !== updating()).flatMap((h) => ['--node', `${h.name}=${h.role}`]),
    '--delete-on-deauthorize',
  ]);
  await waitForCluster('the 3-node cluster to be ready', allReady(3));
  timings['createToReadyMs'] = Date.now() - creating;
  timings['setUpMs'] = Date.now() - started;
  console.log(`multi-node set-up: ${JSON.stringify(timings)}`);
}, 1_500_000);

afterAll(async () => {
  if (hosts.length > 0) {
    await mkdir(OUTPUT_DIR, { recursive: true });
    await writeFile(TIMINGS_FILE, `${JSON.stringify(timings, null, 2)}\n`);
  }
  await tearDownE2eRun({
    hosts,
    units: [AGENT_UNIT_NAME, 'k3s.service', 'k3s-agent.service'],
    logsDir: LOGS_DIR,
    network,
    mirror,
    control,
    dir,
  });
}, 120_000);

describe('a multi-node cluster on EMT hosts, end to end', () => {
  it('brings up one server and two agents air-gapped, each running its K3s unit', async () => {
    const cluster = (await getCluster()).body;
    expect(cluster).toMatchObject({ phase: 'ready', kubernetesVersion: K3S, airGapped: true });
    expect(cluster.message).toMatch(/: K3s v1\.33\.5\+k3s1 is ready \(air-gapped\)/);
    const ids = new Map(await Promise.all(hosts.map(async (h) => [await hostId(h), h.name] as const)));
    expect(cluster.nodes.map((n) => ({ host: ids.get(n.hostId), role: n.role })).sort((a, b) => a.host!.localeCompare(b.host!))).toEqual([
      { host: 'host-e2e-mn-agent-1', role: 'worker' },
      { host: 'host-e2e-mn-agent-2', role: 'worker' },
      { host: 'host-e2e-mn-server', role: 'controlplane' },
    ]);
    for (const host of hosts.filter((h) => h !== updating())) {
      const [line] = await agentLines(host, 'installing K3s');
      expect({ host: host.name, version: line?.['version'], mode: line?.['mode'] }).toEqual({
        host: host.name,
        version: K3S,
        mode: 'air-gapped',
      });
      if (realScript) {
        const unit = await unitProperties(host, k3sUnitName(host), ['ActiveState']);
        expect({ host: host.name, unit: k3sUnitName(host), ...unit }).toEqual({
          host: host.name,
          unit: k3sUnitName(host),
          ActiveState: 'active',
        });
      }
    }
  });

  it("joins the agents to the server's address with the server-generated token, kept in a 0600 config and out of every log", async () => {
    const serverConfig = await k3sConfig(server());
    const token = serverConfig.config['token'];
    expect(typeof token).toBe('string');
    expect(serverConfig.mode).toBe('600');
    expect(serverConfig.config['server']).toBeUndefined();
    for (const agent of hosts.filter((h) => h.role === 'worker' && h !== updating())) {
      const { mode, config } = await k3sConfig(agent);
      expect({ host: agent.name, mode, server: config['server'], sameToken: config['token'] === token }).toEqual({
        host: agent.name,
        mode: '600',
        server: `https://${server().address}:6443`,
        sameToken: true,
      });
    }
    expect((await allHostLogs()).includes(token as string)).toBe(false);
  });

  it('never lets a host fetch a byte from the mirror it could reach', () => {
    expect([...mirror.served.entries()]).toEqual([]);
  });

  it('refuses a host whose image embeds another K3s version as a node, naming both, and installs nothing on it', async () => {
    const host = updating();
    const answer = await control.api.call('POST', `/clusters/${CLUSTER}/nodes`, { nodes: [{ host: host.name, role: 'worker' }] });
    expect(answer.status).toBe(409);
    expect(answer.text).toContain(OLD_K3S);
    expect(answer.text).toContain(K3S);
    expect((await getCluster()).body.nodes).toHaveLength(3);
    expect((await control.api.expect<{ state: string }>([200], 'GET', `/hosts/${host.name}`)).state).toBe('provisioned');
    expect(await k3sRemains(host)).toEqual(NOTHING_REMAINS(host));
    expect(await agentLines(host, 'installing K3s')).toEqual([]);
  });

  it('moves a host on another image to a compatible OS profile version (option 2), reboots it into that image and joins it', async () => {
    const host = updating();
    const wentDown = host.machine.stopped();
    const started = Date.now();
    const change = await control.api.expect<{ hosts: { steps: { reason?: { message: string } }[] }[] }>(
      [200],
      'POST',
      `/clusters/${CLUSTER}/nodes`,
      {
        nodes: [{ host: host.name, role: 'worker' }],
        osUpdate: true,
      },
    );
    expect(JSON.stringify(change.hosts)).toContain(`${images.emtProfile}:${PROFILE_VERSION.current}`);
    // The host's firmware: once the machine is down, it boots the image the update tool asked for.
    await wentDown;
    const request = (await readFile(join(host.machine.root, UPDATE_REQUEST), 'utf8')).trim();
    expect(request).toBe(`${images.emtProfile}:${PROFILE_VERSION.current}`);
    await rm(join(host.machine.root, UPDATE_REQUEST));
    await host.machine.start({ layers: [imageRoot(PROFILE_VERSION.current), base] });
    timings['osUpdateRebootMs'] = host.machine.bootMs;

    await waitForCluster('the updated host to join the cluster', allReady(4));
    timings['osUpdateToReadyMs'] = Date.now() - started;
    // The agent ran the update command itself, and installed the new image's K3s after the reboot.
    // Once over every boot: back on the new image it reported its manifest rather than update again.
    const ran = await agentLines(host, `the OS update command ${UPDATE_TOOL} finished; the host reboots into the new image`);
    expect(ran).toEqual([expect.objectContaining({ version: PROFILE_VERSION.current, ok: true })]);
    const [installing] = await agentLines(host, 'installing K3s', { thisBoot: true });
    expect(installing).toMatchObject({ version: K3S, mode: 'air-gapped' });
    const id = await hostId(host);
    const { items } = await control.api.expect<{ items: { hostId: string; osProfileVersion: string; observedOsVersion: string }[] }>(
      [200],
      'GET',
      '/instances?limit=100',
    );
    expect(items.find((i) => i.hostId === id)).toMatchObject({
      osProfileVersion: PROFILE_VERSION.current,
      observedOsVersion: PROFILE_VERSION.current,
    });
    const version = await host.machine.run([images.embedded.binary, '--version']);
    expect(version.output.split('\n')[0]).toBe(`k3s version ${K3S} (standin)`);
    const { config } = await k3sConfig(host);
    expect({ server: config['server'], token: config['token'] }).toEqual({
      server: `https://${server().address}:6443`,
      token: (await k3sConfig(server())).config['token'],
    });
    expect(mirror.served.get(host.address) ?? null).toBeNull();
    console.log(
      `option 2: reboot ${(timings['osUpdateRebootMs'] / 1000).toFixed(1)} s, update to ready ${(timings['osUpdateToReadyMs'] / 1000).toFixed(1)} s`,
    );
  }, 240_000);

  it('loses a node with each deauthorized host, K3s removed from it, and is deleted only with the last', async () => {
    const started = Date.now();
    const order = [updating(), hostBy('e2e-mn-agent-2'), hostBy('e2e-mn-agent-1'), server()];
    for (const [i, host] of order.entries()) {
      const id = await hostId(host);
      await control.api.expect([200], 'POST', `/hosts/${id}/deauthorize`);
      await waitFor(
        `K3s to be removed from ${host.name}`,
        async () => (JSON.stringify(await k3sRemains(host)) === JSON.stringify(NOTHING_REMAINS(host)) ? true : false),
        { timeoutMs: 90_000, intervalMs: 500 },
      ).catch(async (error) => {
        throw new Error(`${(error as Error).message}: ${JSON.stringify(await k3sRemains(host))}\n${await agentJournal(host)}`);
      });
      const left = order.length - i - 1;
      if (left > 0) {
        const cluster = await waitForCluster(`${host.name} to leave the cluster`, (c) => !c.nodes.some((n) => n.hostId === id), 90_000);
        expect({ after: host.name, nodes: cluster.nodes.length }).toEqual({ after: host.name, nodes: left });
      } else {
        await waitFor('the cluster to be deleted with its last host', async () => (await getCluster()).status === 404, {
          timeoutMs: 90_000,
        });
      }
    }
    timings['deauthorizeAllMs'] = Date.now() - started;
  }, 400_000);
});
