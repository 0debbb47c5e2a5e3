/**
 * An EMT host updated from an image with K3s A to one with K3s B, on the emulated hosts of `edge-orch agent
 * --root` (support/emt-host.ts keeps what EMT's persistent partition keeps; nothing here depends on how the
 * host is started). Image A carries EMT's own k3s package (files in /opt and /var/lib/rancher, which survive the
 * update with A's bytes); image B carries the k3s package `emt spec` writes (files in the read-only part) and an
 * addon package with a chart and an image under /var/lib/rancher/k3s. After the update a new cluster comes up
 * air-gapped on B with B's verified images despite A's leftovers, the addon does not block it, and cleanup
 * leaves B's and the addon's files intact. Runs as root (dnf, unshare, mount).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { computeK3sAddonsPackage, computeK3sPackage } from '../../src/domain/emt/k3s-package.ts';
import { buildPackage } from '../../src/emt/build-package.ts';
import { composeImage } from '../../src/emt/compose-image.ts';
import { writePackageSpec } from '../../src/emt/write-spec.ts';
import { renderAirgapImages, type StandinSources } from '../standins/standin-sources.ts';
import { readFormat } from '../support/formats.ts';
import { startRealOrchestrator, type RealOrchestrator } from '../agent/support/real-orchestrator.ts';
import { updateHostRoot } from './support/emt-host.ts';
import { buildEmtBaseRepo, buildEmtOwnK3s, createWorkspace, sha256, type Workspace } from './support/emt-workspace.ts';

const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const IMAGES = '/var/lib/rancher/k3s/agent/images';
const AIRGAP = 'k3s-airgap-images-amd64.tar.zst';
const ADDON_CHART = '/var/lib/rancher/k3s/server/static/charts/metrics-1.0.0.tgz';
const ADDON_IMAGE = `${IMAGES}/metrics-images.tar.zst`;

let ws: Workspace;
let server: RealOrchestrator;
let emtA: StandinSources;
const children: ChildProcess[] = [];
const file = (root: string, path: string): Buffer => readFileSync(join(root, path));

/** An image config listing the EMT base packages and `packages`, composed into build/<name>. */
async function composeRoot(name: string, packages: string[], repos: string[]): Promise<{ rootfs: string; manifest: string }> {
  writeFileSync(join(ws.imageconfigs, `packagelists/${name}.json`), JSON.stringify({ packages }));
  writeFileSync(
    join(ws.imageconfigs, `${name}.json`),
    JSON.stringify({
      SystemConfigs: [{ Name: 'Standard', PackageLists: ['packagelists/core-packages-image.json', `packagelists/${name}.json`] }],
    }),
  );
  const out = join(ws.dir, 'build', name);
  await composeImage({ configFile: join(ws.imageconfigs, `${name}.json`), repoDirs: repos, outDir: out, name });
  return { rootfs: join(out, 'rootfs'), manifest: readFileSync(join(out, 'manifest.json'), 'utf8') };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** baseline-k3s v0.0.4 for `kubernetesVersion`, K3s on its own port; the host registered with `osProfile` and a cluster. */
async function registerHost(uuid: string, osProfile: string, kubernetesVersion: string, cluster: string): Promise<void> {
  const template = JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json'));
  template.name = `${cluster}-k3s`;
  template.kubernetesVersion = kubernetesVersion;
  const spec = template.clusterconfiguration.spec.template.spec.kthreesConfigSpec;
  spec.version = kubernetesVersion;
  spec.serverConfig.httpsListenPort = String(await freePort());
  await server.ok([201], 'POST', '/templates', template);
  await server.register({ autoProvision: true, autoCluster: true, osProfile, template: `${cluster}-k3s:v0.0.4` }, [
    { uuid, cluster: { name: cluster } },
  ]);
}

function startAgent(root: string, uuid: string): { stop: () => Promise<number | null>; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      'agent',
      '--server',
      server.url,
      '--enroll-token',
      server.enrollmentToken,
      '--uuid',
      uuid,
      '--root',
      root,
      '--address',
      '10.0.0.5',
      // The test orchestrator serves plain HTTP on loopback.
      '--insecure-http',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    output: () => output,
  };
}

async function waitForCluster(name: string, until: (answer: { status: number; body: any }) => boolean, output: () => string): Promise<any> {
  return vi.waitFor(
    async () => {
      const answer = await server.api('GET', `/clusters/${name}`);
      expect(until(answer), `cluster ${name}: ${JSON.stringify(answer)}\n${output()}`).toBe(true);
      return answer.body;
    },
    { timeout: 60_000, interval: 200 },
  );
}

/** Installs a cluster through the orchestrator, checks it is ready air-gapped on `version`, then deletes it (cleanup). */
async function installAndRemove(root: string, uuid: string, cluster: string, version: string, whileReady: () => void): Promise<void> {
  const agent = startAgent(root, uuid);
  const ready = await waitForCluster(cluster, ({ body }) => body.phase === 'ready' || body.phase === 'failed', agent.output);
  expect(ready, agent.output()).toMatchObject({
    phase: 'ready',
    airGapped: true,
    message: expect.stringContaining(`K3s ${version} is ready (air-gapped)`),
  });
  whileReady();
  await server.ok([202], 'DELETE', `/clusters/${cluster}`);
  await waitForCluster(cluster, ({ status }) => status === 404, agent.output);
  expect(await agent.stop()).toBe(0);
}

beforeAll(async () => {
  ws = await createWorkspace('v1.32.5+k3s1', { configs: {} });
  server = await startRealOrchestrator();
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

describe('an EMT host updated from K3s A to K3s B, keeping its persistent partition', () => {
  it("brings up a new cluster air-gapped on B with B's verified images, with an addon package, and cleanup keeps B's and the addon's files", async () => {
    const base = buildEmtBaseRepo(ws.dir);
    // Image A: EMT's own k3s package, v1.32.4+k3s1.
    const repoA = join(ws.dir, 'repo-a');
    emtA = (await buildEmtOwnK3s(ws.dir, repoA)).standins;
    const imageA = await composeRoot('emt-a', ['k3s'], [repoA, base]);
    // Image B: the k3s package emt spec writes, v1.32.5+k3s1, and an addon with a chart and an image.
    const repoB = join(ws.dir, 'repo-b');
    await writePackageSpec({
      pkg: computeK3sPackage({ version: 'v1.32.5+k3s1', arch: 'amd64' }),
      sourcesDir: ws.sources,
      outDir: join(ws.dir, 'SPECS/k3s'),
    });
    await buildPackage({ specDir: join(ws.dir, 'SPECS/k3s'), sourcesDir: ws.sources, repoDir: repoB });
    const addonSources = join(ws.dir, 'addon-sources');
    mkdirSync(addonSources);
    writeFileSync(join(addonSources, 'metrics-1.0.0.tgz'), 'metrics chart');
    writeFileSync(join(addonSources, 'metrics-images.tar.zst'), renderAirgapImages({ version: 'v1.32.5+k3s1' }));
    const addon = computeK3sAddonsPackage({
      name: 'metrics',
      version: '1.0.0',
      sourceFiles: ['metrics-1.0.0.tgz', 'metrics-images.tar.zst'],
    });
    await writePackageSpec({ pkg: addon, sourcesDir: addonSources, outDir: join(ws.dir, 'SPECS/k3s-addons-metrics') });
    await buildPackage({ specDir: join(ws.dir, 'SPECS/k3s-addons-metrics'), sourcesDir: addonSources, repoDir: repoB });
    const imageB = await composeRoot('emt-b', ['k3s', 'k3s-addons-metrics'], [repoB, base]);

    await server.ok([201], 'POST', '/osprofiles/import', { document: imageA.manifest });
    await server.ok([201], 'POST', '/osprofiles/import', { document: imageB.manifest });

    // The host runs image A and gets a cluster on A.
    const host = join(ws.dir, 'host');
    updateHostRoot(host, imageA.rootfs);
    await registerHost('4c4c4544-0000-1000-8000-0000000e0a01', 'emt-a', 'v1.32.4+k3s1', 'store-a');
    await installAndRemove(host, '4c4c4544-0000-1000-8000-0000000e0a01', 'store-a', 'v1.32.4+k3s1', () => undefined);
    // Cleanup kept A's package files, on the persistent partition and in /var/lib/rancher.
    expect(sha256(file(host, `${IMAGES}/${AIRGAP}`))).toBe(emtA.airgapImages[0]!.sha256);
    expect(existsSync(join(host, 'opt/install.sh'))).toBe(true);

    // The A/B update: B's image, A's /opt and /var/lib/rancher. A's tarball is where K3s reads images.
    updateHostRoot(host, imageB.rootfs);
    expect(sha256(file(host, `${IMAGES}/${AIRGAP}`))).toBe(emtA.airgapImages[0]!.sha256);
    expect(existsSync(join(host, ADDON_CHART))).toBe(true);
    const imageFiles = ['/usr/local/bin/k3s', '/usr/share/k3s/install.sh', `/usr/share/k3s/images/${AIRGAP}`, ADDON_CHART, ADDON_IMAGE];
    const before = Object.fromEntries(imageFiles.map((p) => [p, sha256(file(host, p))]));
    expect(before[`/usr/share/k3s/images/${AIRGAP}`]).toBe(ws.standins.airgapImages[0]!.sha256);

    // EMT does not keep /var/lib/edge-orch-agent: the updated host registers again, with the profile of B.
    await registerHost('4c4c4544-0000-1000-8000-0000000e0a02', 'emt-b', 'v1.32.5+k3s1', 'store-b');
    await installAndRemove(host, '4c4c4544-0000-1000-8000-0000000e0a02', 'store-b', 'v1.32.5+k3s1', () => {
      // K3s read B's air-gap images through the agent's link, and the addon's image.
      expect(readlinkSync(join(host, IMAGES, AIRGAP))).toBe(`/usr/share/k3s/images/${AIRGAP}`);
      const loaded = JSON.parse(file(host, '/var/lib/rancher/k3s/server/standin-state.json').toString()).images;
      expect(loaded.map((i: { file: string; sha256: string }) => [i.file, i.sha256])).toEqual([
        [`${IMAGES}/${AIRGAP}`, ws.standins.airgapImages[0]!.sha256],
        [ADDON_IMAGE, before[ADDON_IMAGE]],
      ]);
    });

    // Cleanup removed K3s's state and the link, and left every file of B's packages as it was.
    expect(Object.fromEntries(imageFiles.map((p) => [p, sha256(file(host, p))]))).toEqual(before);
    expect(lstatSync(join(host, IMAGES, AIRGAP), { throwIfNoEntry: false })).toBeUndefined();
    expect(existsSync(join(host, 'var/lib/rancher/k3s/server/standin-state.json'))).toBe(false);
    expect(existsSync(join(host, 'etc/rancher/k3s'))).toBe(false);
  }, 300_000);
});
