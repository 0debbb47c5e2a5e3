/**
 * The proposal's headline, measured: how long from registration to a ready cluster an EMT host takes, air-gapped
 * (its image embeds K3s's binary and air-gap images), against a download-mode (Ubuntu-like) host that fetches
 * artifacts of real K3s sizes from the local mirror, on a constrained edge link and on an unconstrained one (the
 * baseline, same run); and how many bytes each host moved.
 *
 * Set up as the end-to-end test does (test/e2e/clusters.e2e.test.ts): the real server, hosts that boot systemd in
 * their own network namespaces (test/hosts), the agent from its RPM, K3s's real install script (or the project's
 * stand-in where ../shared/upstream is absent), the EMT image built with `edge-orch emt spec|build|...|compose`.
 * The K3s stand-in binary and air-gap images are padded with random bytes to real sizes (about 70 MB and 200 MB,
 * test/standins/standin-sources.ts), in the EMT image and on the mirror alike. A download-mode host gets the binary
 * through the install script (GITHUB_URL at the mirror) and, as a real K3s pulls its system images from a registry
 * on its first start, the stand-in pulls the 200 MB of images from the mirror its registries.yaml names.
 *
 * Four hosts boot at once, then each is registered on its own (`edge-orch host import --auto-provision
 * --auto-cluster`, one single-node cluster), one after the other, so no figure shares the machine with another
 * install: EMT and download on the plain link, then both on the shaped one. Shaped: tc tbf at the rate on both ends
 * of the host's veth (bench/shape-host-link.ts), plus netem's delay where the kernel has netem. Bytes: the host's
 * eth0 counters (received + sent) from its registration to ready, and the mirror's bytes served to it. Per-host
 * figures (with when each step happened and the images' pull) go to test-output/edge-link-headline.json.
 *
 *   node bench/edge-link-headline.bench.ts [--quick] [--rate-mbit 20] [--delay-ms 50]
 *     full: 70 MB binary, 200 MB air-gap images; --quick: 7 MB and 20 MB (a smoke run; figures are not the goal's)
 * Needs root (namespaces, mounts, nspawn, rpm, dnf, tc), as the end-to-end test does.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../src/config.ts';
import { AGENT_PACKAGE_PATHS, AGENT_UNIT_NAME } from '../src/domain/emt/agent-package.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { createE2eApi, type E2eApi } from '../test/e2e/support/api-client.ts';
import { startCountingMirror, type CountingMirror } from '../test/e2e/support/counting-mirror.ts';
import { prepareImageRoots } from '../test/e2e/support/image-roots.ts';
import { registerHosts } from '../test/e2e/support/register-hosts.ts';
import { createTestNetwork, type TestNetwork } from '../test/e2e/support/test-network.ts';
import { writeAgentSettings } from '../test/e2e/support/write-agent-settings.ts';
import { ensureHostBaseRoot } from '../test/hosts/host-base-root.ts';
import { bootSystemdHost, type SystemdHost } from '../test/hosts/systemd-host.ts';
import { STANDIN_REGISTRY_PATH, writeStandinMirror, type StandinSizes } from '../test/standins/standin-sources.ts';
import { createEdgeOrchCli, type EdgeOrchCli } from '../test/support/edge-orch-cli.ts';
import { FORMATS_DIR } from '../test/support/formats.ts';
import { readK3sInstallScript } from '../test/support/upstream.ts';
import { reportResults, type BenchResult } from './report.ts';
import { netemAvailable, readLinkBytes, shapeHostLink, type LinkShape } from './shape-host-link.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'rate-mbit': { type: 'string', default: '20' },
    'delay-ms': { type: 'string', default: '50' },
  },
});
const MB = 1_000_000;
const SIZES: StandinSizes = values.quick ? { binaryBytes: 7 * MB, airgapBytes: 20 * MB } : { binaryBytes: 70 * MB, airgapBytes: 200 * MB };
const EMT_VERSION = 'v1.32.4+k3s1';
const DOWNLOAD_VERSION = 'v1.33.5+k3s1';
/** The proposal's promise: about 15 minutes down to under 5. */
const GOAL_SECONDS = 300;
const PROPOSAL_BEFORE_SECONDS = 900;

type Image = 'emt' | 'ubuntu';
interface HostSpec {
  serial: string;
  image: Image;
  shaped: boolean;
}
const SPECS: HostSpec[] = [
  { serial: 'link-emt-plain', image: 'emt', shaped: false },
  { serial: 'link-ubuntu-plain', image: 'ubuntu', shaped: false },
  { serial: 'link-emt-shaped', image: 'emt', shaped: true },
  { serial: 'link-ubuntu-shaped', image: 'ubuntu', shaped: true },
];

interface Host extends HostSpec {
  uuid: string;
  namespace: string;
  address: string;
  machine: SystemdHost;
  cluster: string;
}

interface Measured {
  host: string;
  image: Image;
  shaped: boolean;
  registrationToReadyS: number;
  message: string;
  /** eth0 of the host, from its registration to ready. */
  linkBytes: { rx: number; tx: number };
  mirrorBytes: number;
  mirrorPaths: string[];
  /** Seconds after the registration began at which each step happened (the agent's log, systemd's journal). */
  timeline: Record<string, number>;
  /** The stand-in's pull of the system images (download mode), as it recorded it. */
  imagesPullS: number | null;
}

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await pause(intervalMs);
  }
}

/** The agent's log messages on the way to ready, and systemd's start of K3s's unit, in the order they happen. */
const AGENT_STEPS = ['enrolled', 'desired state', 'installing K3s', 'K3s is ready'];
const UNIT_STEPS = ['Starting k3s.service', 'Started k3s.service'];

/** When each step first happened on `host`, in ms since the epoch. */
async function stepTimes(host: Host): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const agent = await host.machine.run(['journalctl', '--no-pager', '-o', 'cat', '-u', AGENT_UNIT_NAME]);
  for (const line of agent.output.split('\n').filter((l) => l.startsWith('{'))) {
    const { msg, time } = JSON.parse(line) as { msg?: string; time?: number };
    if (msg && time && AGENT_STEPS.includes(msg) && !times.has(msg)) times.set(msg, time);
  }
  const unit = await host.machine.run(['journalctl', '--no-pager', '-o', 'short-unix', '-u', 'k3s.service']);
  for (const line of unit.output.split('\n')) {
    const step = UNIT_STEPS.find((s) => line.includes(`: ${s}`));
    if (step && !times.has(step)) times.set(step, Math.round(Number(line.split(' ')[0]) * 1000));
  }
  return times;
}

async function imagesPullSeconds(host: Host): Promise<number | null> {
  const state = await readFile(join(host.machine.root, 'var/lib/rancher/k3s/server/standin-state.json'), 'utf8').catch(() => null);
  const pulled = state === null ? null : (JSON.parse(state) as { pulled: { ms: number } | null }).pulled;
  return pulled ? pulled.ms / 1000 : null;
}

const agentJournal = async (host: Host): Promise<string> =>
  (await host.machine.run(['journalctl', '--no-pager', '-o', 'cat', '-u', AGENT_UNIT_NAME, '-u', 'k3s.service'])).output;

/** Registers `host` alone and waits for its cluster to be ready; what it took and what it moved. */
async function measure(
  host: Host,
  context: { api: E2eApi; cli: EdgeOrchCli; dir: string; mirror: CountingMirror; profiles: Record<Image, string> },
): Promise<Measured> {
  const csvDir = join(context.dir, 'registrations', host.serial);
  await mkdir(csvDir, { recursive: true });
  const before = readLinkBytes(host.namespace);
  const startedAt = Date.now();
  const started = performance.now();
  await registerHosts({
    cli: context.cli,
    dir: csvDir,
    hosts: [
      {
        serial: host.serial,
        uuid: host.uuid,
        cluster: host.cluster,
        osProfile: context.profiles[host.image],
        template: host.image === 'emt' ? 'baseline-k3s:v0.0.4' : 'baseline-k3s:v0.0.10',
      },
    ],
  });
  const cluster = await waitFor(
    `the cluster of ${host.serial} to be ready`,
    async () => {
      const answer = await context.api.call<{ phase: string; message: string }>('GET', `/clusters/${host.cluster}`);
      if (answer.status === 200 && answer.body.phase === 'failed')
        throw new Error(`cluster ${host.cluster} failed: ${answer.body.message}\n${await agentJournal(host)}`);
      return answer.status === 200 && answer.body.phase === 'ready' ? answer.body : null;
    },
    900_000,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${(await agentJournal(host)).split('\n').slice(-20).join('\n')}`);
  });
  const seconds = (performance.now() - started) / 1000;
  const after = readLinkBytes(host.namespace);
  const served = context.mirror.served.get(host.address);
  const steps = await stepTimes(host);
  return {
    host: host.serial,
    image: host.image,
    shaped: host.shaped,
    registrationToReadyS: Number(seconds.toFixed(1)),
    message: cluster.message,
    linkBytes: { rx: after.rx - before.rx, tx: after.tx - before.tx },
    mirrorBytes: served?.bytes ?? 0,
    mirrorPaths: served?.paths ?? [],
    timeline: Object.fromEntries(
      [...AGENT_STEPS, ...UNIT_STEPS]
        .filter((step) => steps.has(step))
        .map((step) => [step, Number(((steps.get(step)! - startedAt) / 1000).toFixed(1))] as const)
        .sort((a, b) => a[1] - b[1]),
    ),
    imagesPullS: await imagesPullSeconds(host),
  };
}

const installScript = await readK3sInstallScript();
if (process.getuid?.() !== 0) throw new Error('this bench needs root (network namespaces, mounts, nspawn, rpm, dnf, tc)');
/** A flag's value as a positive number, or an error naming the flag. */
function positive(flag: 'rate-mbit' | 'delay-ms'): number {
  const value = Number(values[flag]);
  if (!(value > 0)) throw new Error(`--${flag} must be a positive number, got ${JSON.stringify(values[flag])}`);
  return value;
}
const shape: LinkShape = { rateMbit: positive('rate-mbit'), delayMs: netemAvailable() ? positive('delay-ms') : null };
const linkText = `${shape.rateMbit} Mbit/s${shape.delayMs === null ? ' (no netem in this kernel: no added delay)' : ` and ${shape.delayMs} ms each way`}`;
console.log(`K3s install script: ${installScript.upstream ? "K3s's real one" : "the project's stand-in"} (${installScript.path})`);
console.log(`artifacts: binary ${SIZES.binaryBytes / MB} MB, air-gap images ${SIZES.airgapBytes / MB} MB; shaped link: ${linkText}`);

const dir = await mkdtemp(join(tmpdir(), 'edge-orch-headline-'));
let network: TestNetwork | undefined;
let mirror: CountingMirror | undefined;
let server: RunningServer | undefined;
const hosts: Host[] = [];
const setupStarted = performance.now();
try {
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'operator'), { recursive: true });
  network = createTestNetwork();
  const [base, images] = await Promise.all([
    ensureHostBaseRoot(),
    prepareImageRoots(join(dir, 'images'), {
      emtVersion: EMT_VERSION,
      installScript: installScript.text,
      cli: createEdgeOrchCli({ home: join(dir, 'operator'), cwd: join(dir, 'images') }),
      sizes: SIZES,
    }),
    writeStandinMirror(join(dir, 'mirror'), {
      versions: [DOWNLOAD_VERSION],
      installScript: installScript.text,
      nodePath: AGENT_PACKAGE_PATHS.runtime,
      sizes: SIZES,
    }),
  ]);
  mirror = await startCountingMirror({ dir: join(dir, 'mirror'), host: network.mirrorAddress });
  server = await startServer(
    loadServerConfig({ dataDir: join(dir, 'server'), host: network.serverAddress, port: 0, logLevel: 'warn', mirrorUrl: mirror.url }, {}),
  );
  const cli = createEdgeOrchCli({ home: join(dir, 'operator') });
  await cli.ok(['login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!]);
  const caCertificate = await readFile(server.caFile!, 'utf8');
  const api = createE2eApi({ serverUrl: server.url, token: (await readFile(server.adminTokenFile!, 'utf8')).trim(), caCertificate });
  await cli.ok(['osprofile', 'import', images.emtManifest, images.ubuntuManifest]);
  await cli.ok([
    'template',
    'import',
    ...['baseline-k3s-v0.0.4.json', 'baseline-k3s-v0.0.10.json'].map((f) => join(FORMATS_DIR, 'templates', f)),
  ]);
  const { token: enrollToken } = await api.expect<{ token: string }>([201], 'POST', '/enrollment-tokens', { name: 'headline' });
  // A download-mode K3s pulls its system images through the registry mirror its operator configured.
  const registries = `mirrors:\n  docker.io:\n    endpoint:\n      - "${mirror.url}/${STANDIN_REGISTRY_PATH}"\n`;

  const mirrorUrl = mirror.url;
  const serverUrl = server.url;
  const net = network;
  const booted = await Promise.allSettled(
    SPECS.map(async (spec, i) => {
      const uuid = `11ead000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
      const { namespace, address, link } = net.addHost({ canReachMirror: spec.image !== 'emt' });
      if (spec.shaped) shapeHostLink({ namespace, link }, shape);
      const machine = await bootSystemdHost({
        name: spec.serial,
        dir: join(dir, 'hosts', spec.serial),
        layers: [spec.image === 'emt' ? images.emt : images.ubuntu, base],
        namespace,
        immutable: spec.image === 'emt',
        populate: async (upper) => {
          await writeAgentSettings(upper, {
            serverUrl,
            enrollToken,
            caCertificate,
            address,
            uuid,
            serial: spec.serial,
            ...(spec.image === 'ubuntu' ? { mirrorUrl } : {}),
          });
          if (spec.image === 'ubuntu') {
            await mkdir(join(upper, 'etc/rancher/k3s'), { recursive: true });
            await writeFile(join(upper, 'etc/rancher/k3s/registries.yaml'), registries);
          }
        },
      });
      return { ...spec, uuid, namespace, address, machine, cluster: `${spec.serial}-cluster` };
    }),
  );
  for (const result of booted) if (result.status === 'fulfilled') hosts.push(result.value);
  const failedBoot = booted.find((r) => r.status === 'rejected');
  if (failedBoot) throw (failedBoot as PromiseRejectedResult).reason;
  await waitFor(
    'every agent to ask to enroll',
    async () =>
      (await Promise.all(hosts.map(async (h) => (await agentJournal(h)).includes('"msg":"enrolling"')))).every(Boolean) ? true : null,
    120_000,
    500,
  );
  console.log(`set-up (images, mirror, server, four hosts booted): ${((performance.now() - setupStarted) / 1000).toFixed(0)} s`);

  const measured: Measured[] = [];
  for (const host of hosts) {
    const result = await measure(host, { api, cli, dir, mirror, profiles: { emt: images.emtProfile, ubuntu: images.ubuntuProfile } });
    measured.push(result);
    console.log(
      `${result.host}: ready ${result.registrationToReadyS} s after registration (${Object.entries(result.timeline)
        .map(([step, at]) => `${step} ${at} s`)
        .join(', ')}; pulling images took ${result.imagesPullS ?? 0} s); eth0 received ${(result.linkBytes.rx / MB).toFixed(1)} MB, ` +
        `sent ${(result.linkBytes.tx / MB).toFixed(1)} MB; mirror served ${(result.mirrorBytes / MB).toFixed(1)} MB (${result.mirrorPaths.join(', ') || 'nothing'})`,
    );
  }
  const out = join(import.meta.dirname, '..', 'test-output', 'edge-link-headline.json');
  await mkdir(join(import.meta.dirname, '..', 'test-output'), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ when: new Date().toISOString(), quick: values.quick, sizes: SIZES, shape, measured }, null, 2)}\n`,
  );
  console.log(`per-host figures written to ${out}`);

  const find = (image: Image, shaped: boolean): Measured => measured.find((m) => m.image === image && m.shaped === shaped)!;
  const [emt, download, emtPlain, downloadPlain] = [find('emt', true), find('ubuntu', true), find('emt', false), find('ubuntu', false)];
  const linkMb = (m: Measured): number => Number(((m.linkBytes.rx + m.linkBytes.tx) / MB).toFixed(2));
  const ratio = (a: number, b: number): number | null => (b === 0 ? null : Number((a / b).toFixed(3)));
  const on = `${linkText}`;
  const results: BenchResult[] = [
    {
      name: `EMT host, air-gapped, on ${on}: registration → ready (baseline: the download-mode host on the same link; proposal: ~${PROPOSAL_BEFORE_SECONDS / 60} min → < ${GOAL_SECONDS / 60} min)`,
      figure: emt.registrationToReadyS,
      unit: 's',
      baseline: download.registrationToReadyS,
      ratio: ratio(emt.registrationToReadyS, download.registrationToReadyS),
      goal: `< ${GOAL_SECONDS} s`,
      met: emt.registrationToReadyS < GOAL_SECONDS,
    },
    {
      name: `download-mode host (${SIZES.binaryBytes / MB} MB binary + ${SIZES.airgapBytes / MB} MB images from the mirror) on ${on}: registration → ready (baseline: same host kind, unshaped link)`,
      figure: download.registrationToReadyS,
      unit: 's',
      baseline: downloadPlain.registrationToReadyS,
      ratio: ratio(download.registrationToReadyS, downloadPlain.registrationToReadyS),
      goal: null,
      met: null,
    },
    {
      name: `EMT host, air-gapped, on ${on}: registration → ready (baseline: same host kind, unshaped link)`,
      figure: emt.registrationToReadyS,
      unit: 's',
      baseline: emtPlain.registrationToReadyS,
      ratio: ratio(emt.registrationToReadyS, emtPlain.registrationToReadyS),
      goal: null,
      met: null,
    },
    {
      name: 'unshaped link: EMT host registration → ready (baseline: download-mode host)',
      figure: emtPlain.registrationToReadyS,
      unit: 's',
      baseline: downloadPlain.registrationToReadyS,
      ratio: ratio(emtPlain.registrationToReadyS, downloadPlain.registrationToReadyS),
      goal: null,
      met: null,
    },
    {
      name: `bytes over the EMT host's link, registration → ready, shaped (baseline: the download-mode host's; mirror served it ${emt.mirrorBytes} B)`,
      figure: linkMb(emt),
      unit: 'MB',
      baseline: linkMb(download),
      ratio: ratio(linkMb(emt), linkMb(download)),
      goal: null,
      met: null,
    },
    {
      name: `bytes the mirror served the download-mode host, shaped (baseline: its link's bytes, received + sent)`,
      figure: Number((download.mirrorBytes / MB).toFixed(2)),
      unit: 'MB',
      baseline: linkMb(download),
      ratio: ratio(download.mirrorBytes / MB, linkMb(download)),
      goal: null,
      met: null,
    },
  ];
  reportResults(results);
} finally {
  await Promise.allSettled(hosts.map((h) => h.machine.stop()));
  await network?.dispose();
  await mirror?.close().catch(() => undefined);
  await server?.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
