/**
 * docs/emt.md's walkthrough, end to end: every command below appears verbatim in the document and runs with the
 * real `edge-orch` CLI, the real rpmbuild/createrepo_c/dnf/mksquashfs and a real server. Only the K3s sources
 * (test/standins) and the EMT base repository (empty packages named like EMT's) are stand-ins, and the login line
 * gets this server's URL and token file.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { writeStandinSources } from '../standins/standin-sources.ts';
import { FORMATS_DIR } from '../support/formats.ts';
import { buildEmtBaseRepo, createWorkspace, runCli, type Workspace } from './support/emt-workspace.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/emt.md'), 'utf8');

interface TemplateList {
  items: { name: string; version: string; kubernetesVersion: string; compatibility?: { airGapped: boolean } }[];
  excluded: { name: string; version: string; reason: { code: string; message: string } }[];
}

describe('docs/emt.md walkthrough: from a K3s version to an OS profile', { timeout: 180_000 }, () => {
  let ws: Workspace;
  let server: RunningServer;
  let env: NodeJS.ProcessEnv;

  /** Runs one documented command line (`edge-orch …`); `args` replaces its arguments when the shell would expand them. */
  async function step(line: string, args?: string[]): Promise<string> {
    expect(DOC, `docs/emt.md shows "${line}"`).toContain(`\n${line}\n`);
    const { code, stdout, stderr } = await runCli(args ?? line.split(' ').slice(1), { cwd: ws.dir, env });
    expect({ line, code, stderr }).toEqual({ line, code: 0, stderr: '' });
    return stdout;
  }

  beforeAll(async () => {
    ws = await createWorkspace('v1.32.4+k3s1', { prefix: 'edge-orch-walkthrough-' });
    buildEmtBaseRepo(ws.dir);
    mkdirSync(join(ws.dir, 'templates'));
    for (const f of readdirSync(join(FORMATS_DIR, 'templates')))
      copyFileSync(join(FORMATS_DIR, 'templates', f), join(ws.dir, 'templates', f));
    server = await startServer(loadServerConfig({ dataDir: join(ws.dir, 'data'), port: 0, logLevel: 'silent' }, {}));
    env = { EDGE_ORCH_CONFIG: join(ws.dir, 'cli.json') };
  });
  afterAll(async () => {
    await server?.close();
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it('writes and builds the SPEC into an indexed repository', async () => {
    expect(await step('edge-orch emt spec k3s --version v1.32.4+k3s1 --arch amd64 --sources sources --out SPECS/k3s')).toBe(
      'wrote SPECS/k3s/k3s.spec and SPECS/k3s/k3s.signatures.json (k3s 1.32.4+k3s1-1 x86_64, 3 sources)\n',
    );
    expect(await step('edge-orch emt build --spec SPECS/k3s --sources sources --repo repo')).toBe(
      'built repo/k3s-1.32.4+k3s1-1.emt3.x86_64.rpm\n',
    );
  });

  it('adds the k3s package list to the image configs named, idempotently', async () => {
    await step('edge-orch emt packagelist k3s --out toolkit/imageconfigs/packagelists/k3s.json');
    expect(JSON.parse(readFileSync(join(ws.imageconfigs, 'packagelists/k3s.json'), 'utf8'))).toEqual({ packages: ['k3s'] });
    const line =
      'edge-orch emt imageconfig add-packagelist packagelists/k3s.json --dir toolkit/imageconfigs --config edge-image.json edge-image-dev.json';
    expect(await step(line)).toMatch(/edge-image\.json\s+x86_64\s+added\s+Standard: added/);
    const config = readFileSync(join(ws.imageconfigs, 'edge-image.json'));
    expect(await step(line)).toMatch(/edge-image\.json\s+x86_64\s+already present/);
    expect(readFileSync(join(ws.imageconfigs, 'edge-image.json'))).toEqual(config);
  });

  it('composes the image and writes a manifest naming the embedded K3s', async () => {
    const out = await step(
      'edge-orch emt compose --config toolkit/imageconfigs/edge-image.json --repo repo emt-base --out build/edge-image --name microvisor-nonrt --squashfs',
    );
    expect(out).toContain(
      'installed filesystem-3.0-1.emt3, systemd-3.0-1.emt3, rpm-3.0-1.emt3, openssh-server-3.0-1.emt3, k3s-1.32.4+k3s1-1.emt3 into build/edge-image/rootfs\n',
    );
    expect(out).toContain('wrote build/edge-image/manifest.json: microvisor-nonrt 3.0, embeds k3s v1.32.4+k3s1\n');
  });

  it('imports the manifest as an OS profile and offers the template of the same K3s version, air-gapped', async () => {
    const login = 'edge-orch login --server https://127.0.0.1:8080 --token-file data/admin-token --ca-file data/ca.crt';
    await step(login, ['login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!]);
    expect(await step('edge-orch osprofile import build/edge-image/manifest.json')).toMatch(
      /microvisor-nonrt\s+3\.0\s+immutable\s+x86_64\s+v1\.32\.4\+k3s1\s+manifest/,
    );
    const templates = readdirSync(join(ws.dir, 'templates')).map((f) => `templates/${f}`);
    expect(
      (await step('edge-orch template import templates/*.json', ['template', 'import', ...templates])).trim().split('\n'),
    ).toHaveLength(templates.length);

    const list = JSON.parse(await step('edge-orch template list --compatible-with microvisor-nonrt --explain -o json')) as TemplateList;
    expect(list.items.find((t) => t.name === 'baseline-k3s' && t.version === 'v0.0.4')).toMatchObject({
      kubernetesVersion: 'v1.32.4+k3s1',
      compatibility: { airGapped: true },
    });
    expect(list.excluded.find((t) => t.name === 'baseline-k3s' && t.version === 'v0.0.10')?.reason.code).toBe('K3sVersionMismatch');
  });

  it('rebuilds for v1.32.5+k3s1, and the new profile excludes the v1.32.4 template with the version reason', async () => {
    await writeStandinSources(ws.sources, { version: 'v1.32.5+k3s1' });
    await step('edge-orch emt spec k3s --version v1.32.5+k3s1 --arch amd64 --sources sources --out SPECS/k3s');
    expect(await step('edge-orch emt build --spec SPECS/k3s --sources sources --repo repo')).toBe(
      'built repo/k3s-1.32.5+k3s1-1.emt3.x86_64.rpm\n',
    );
    expect(
      await step(
        'edge-orch emt compose --config toolkit/imageconfigs/edge-image.json --repo repo emt-base --out build/edge-image --name microvisor-nonrt-next --squashfs',
      ),
    ).toContain('embeds k3s v1.32.5+k3s1\n');
    const manifest = JSON.parse(readFileSync(join(ws.dir, 'build/edge-image/manifest.json'), 'utf8'));
    expect(manifest.kubernetes.version).toBe('v1.32.5+k3s1');
    expect(await step('edge-orch osprofile import build/edge-image/manifest.json')).toMatch(
      /microvisor-nonrt-next\s+3\.0\s+immutable\s+x86_64\s+v1\.32\.5\+k3s1/,
    );

    const list = JSON.parse(
      await step('edge-orch template list --compatible-with microvisor-nonrt-next --explain -o json'),
    ) as TemplateList;
    expect(list.items.some((t) => t.name === 'baseline-k3s' && t.version === 'v0.0.4')).toBe(false);
    const excluded = list.excluded.find((t) => t.name === 'baseline-k3s' && t.version === 'v0.0.4');
    expect(excluded?.reason.code).toBe('K3sVersionMismatch');
    expect(excluded?.reason.message).toContain('v1.32.4+k3s1');
    expect(excluded?.reason.message).toContain('v1.32.5+k3s1');

    // The first profile still describes the first image.
    const first = JSON.parse(await step('edge-orch template list --compatible-with microvisor-nonrt --explain -o json')) as TemplateList;
    expect(first.items.some((t) => t.name === 'baseline-k3s' && t.version === 'v0.0.4')).toBe(true);
  });
});
