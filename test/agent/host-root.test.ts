/**
 * The real agent command with `--root` on an image root with the stand-in K3s RPM: it re-executes itself in
 * private mount and PID namespaces, binds the root's paths at their real locations (image paths read-only on an
 * immutable image), installs K3s air-gapped there, removes it again keeping the RPM's files, and nothing lands
 * on the machine itself. Runs as root (unshare, mount, rpm).
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
import { computeBootstrapPlan } from '../../src/domain/bootstrap-plan.ts';
import type { ClusterTemplate } from '../../src/domain/template.ts';
import { createFakeSouthbound, type FakeSouthbound } from './support/fake-southbound.ts';
import { buildStandinK3sRpm, composeImageRoot, EMBEDDED_PATHS, renderManifest, type StandinRpm } from './support/image-root.ts';
import { bootstrapInput, emtProfile, loadTemplate } from './support/plans.ts';

const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const UUID = '4c4c4544-0000-1000-8000-00000000aa01';
const VERSION = 'v1.32.4+k3s1';

let dir: string;
let rpm: StandinRpm;
let server: FakeSouthbound;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edge-orch-host-root-'));
  rpm = await buildStandinK3sRpm(join(dir, 'build'), VERSION);
  server = await createFakeSouthbound();
  server.hosts.set(UUID, { hostId: 'h-1', hostName: 'edge-node-1' });
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

/** The EMT plan, with K3s on its own port: these emulated hosts share the machine's network namespace. */
function emtPlan(port: number, edit: (template: ClusterTemplate) => void = () => undefined) {
  const template = structuredClone(loadTemplate('baseline-k3s-v0.0.4.json'));
  (template.controlPlane as any).spec.template.spec.kthreesConfigSpec.serverConfig.httpsListenPort = String(port);
  edit(template);
  return computeBootstrapPlan(bootstrapInput(template, emtProfile([{ path: EMBEDDED_PATHS.airgapImage, sha256: rpm.sources.airgapImages[0]!.sha256 }])));
}

function startAgent(root: string, extra: string[] = []): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [ENTRY, 'agent', '--server', server.url, '--enroll-token', 'enroll-secret', '--uuid', UUID, '--root', root, '--address', '10.0.0.5', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), output: () => output };
}

/** The mounts of the agent inside the namespaces (the child of unshare, which is the child of the entry). */
async function innerMounts(entryPid: number): Promise<Map<string, string>> {
  const childrenOf = async (pid: number) => (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  const [unshare] = await childrenOf(entryPid);
  const [inner] = await childrenOf(unshare!);
  const lines = (await readFile(`/proc/${inner}/mountinfo`, 'utf8')).trim().split('\n');
  return new Map(lines.map((line) => {
    const fields = line.split(' ');
    return [fields[4]!, fields[5]!.split(',')[0]!];
  }));
}

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

describe('agent --root on an immutable EMT image root', () => {
  it('installs K3s air-gapped inside the root, with the image paths read-only, and removes it keeping the RPM\'s files', async () => {
    const root = join(dir, 'emt-root');
    await composeImageRoot(root, { rpm, manifest: renderManifest({ name: 'microvisor-nonrt', osType: 'immutable', rpm, kubernetesVersion: VERSION }) });
    const rpmFiles = Object.values(EMBEDDED_PATHS);
    const before = Object.fromEntries(await Promise.all(rpmFiles.map(async (p) => [p, await sha256(join(root, p))])));
    const port = await freePort();
    server.setAction({ kind: 'install', cluster: 'store-42', plan: emtPlan(port) });

    const agent = startAgent(root);
    await vi.waitFor(() => expect(server.reports().map((r) => r.cluster?.phase)).toContain('ready'), { timeout: 30_000, interval: 100 });
    const ready = server.reports().find((r) => r.cluster?.phase === 'ready');
    expect(ready.manifest.image).toMatchObject({ name: 'microvisor-nonrt', osType: 'immutable' });
    expect(parse(ready.cluster.kubeconfig).clusters[0].cluster.server).toBe(`https://10.0.0.5:${port}`);

    const mounts = await innerMounts(agent.child.pid!);
    expect(Object.fromEntries(['/usr/local/bin', '/opt', '/etc/edge-orch', '/etc/rancher', '/var/lib/rancher', '/run'].map((m) => [m, mounts.get(m)]))).toEqual({
      '/usr/local/bin': 'ro', '/opt': 'ro', '/etc/edge-orch': 'ro', '/etc/rancher': 'rw', '/var/lib/rancher': 'rw', '/run': 'rw',
    });
    // What the install script and the agent wrote is in the root, not on the machine.
    expect(existsSync(join(root, 'etc/rancher/k3s/config.yaml'))).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/k3s.service'))).toBe(true);
    expect(existsSync(join(root, 'var/lib/rancher/k3s/edge-orch/install.json'))).toBe(true);
    expect(existsSync('/etc/rancher/k3s/config.yaml')).toBe(false);
    expect(existsSync('/etc/systemd/system/k3s.service')).toBe(false);
    expect(JSON.parse(await readFile(join(root, 'var/lib/edge-orch-agent/credential.json'), 'utf8'))).toMatchObject({ hostId: 'h-1' });

    server.setAction({ kind: 'remove', cluster: 'store-42' });
    await vi.waitFor(() => expect(server.reports().map((r) => r.cluster?.phase), agent.output() + JSON.stringify(server.reports().map((r) => r.cluster))).toContain('removed'), { timeout: 30_000, interval: 100 });
    for (const path of rpmFiles) expect(await sha256(join(root, path))).toBe(before[path]);
    expect(existsSync(join(root, 'etc/rancher/k3s'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/rancher/k3s/server'))).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/system/k3s.service'))).toBe(false);

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 60_000);

  it('refuses a plan that would write outside the emulated host\'s writable paths, naming the file', async () => {
    const root = join(dir, 'emt-root-2');
    await composeImageRoot(root, { rpm, manifest: renderManifest({ name: 'microvisor-nonrt', osType: 'immutable', rpm, kubernetesVersion: VERSION }) });
    server.setAction({ kind: 'install', cluster: 'store-43', plan: emtPlan(await freePort(), (template) => {
      (template.controlPlane as any).spec.template.spec.kthreesConfigSpec.files.push({ path: '/etc/edge-orch-test-escape.conf', content: 'x', permissions: '0644' });
    }) });
    const agent = startAgent(root, ['--once']);
    expect(await agent.exited).toBe(1);
    const failed = server.reports().find((r) => r.cluster?.name === 'store-43' && r.cluster.phase === 'failed');
    expect(failed.cluster.message).toMatch(new RegExp(`^this emulated host \\(--root ${root}\\) cannot write /etc/edge-orch-test-escape\\.conf: only `));
    expect(existsSync('/etc/edge-orch-test-escape.conf')).toBe(false);
  }, 60_000);
});
