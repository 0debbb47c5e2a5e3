/**
 * The README's "Using it" walk, from a clone on its own: its import commands run as written, from the repository's
 * root, on examples/. Then the two versions of microvisor-nonrt (different embedded K3s) are each explained by
 * `template list --compatible-with`, in the table and in the API's JSON.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createEdgeOrchCli, type EdgeOrchCli } from '../support/edge-orch-cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OLD = 'microvisor-nonrt:3.0.20260602.2200';
const NEW = 'microvisor-nonrt:3.0.20260701.0100';

/** The `bin/edge-orch …` commands of the README's "Using it" block, comments removed, globs expanded. */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('bin/edge-orch '))
    .map((line) => line.split(/\s+/).slice(1).flatMap(expandGlob));
}

function expandGlob(word: string): string[] {
  if (!word.includes('*')) return [word];
  const [prefix, suffix] = word.slice(dirname(word).length + 1).split('*') as [string, string];
  return readdirSync(join(ROOT, dirname(word)))
    .filter((f) => f.startsWith(prefix) && f.endsWith(suffix))
    .sort()
    .map((f) => `${dirname(word)}/${f}`);
}

describe('the README walk on examples/', () => {
  let server: RunningServer;
  let edgeOrch: EdgeOrchCli;
  const walk = readmeCommands();
  const step = (first: string, second: string): string[] => {
    const found = walk.find(([a, b]) => a === first && b === second);
    if (!found) throw new Error(`the README's walk has no "${first} ${second}" command`);
    return found;
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-orch-walk-'));
    server = await startServer(loadServerConfig({ dataDir: join(dir, 'data'), port: 0, logLevel: 'silent' }, {}));
    edgeOrch = createEdgeOrchCli({ home: dir, cwd: ROOT });
    await edgeOrch.ok(['login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!]);
  });
  afterAll(async () => server?.close());

  it('imports the example OS profiles, templates and hosts CSV with the README commands, as written', async () => {
    const profiles = step('osprofile', 'import');
    expect(profiles.filter((w) => w.startsWith('examples/'))).toHaveLength(3);
    await edgeOrch.ok(profiles);
    await edgeOrch.ok(step('template', 'import'));
    const hosts = await edgeOrch.run(step('host', 'import'));
    expect(hosts.code, hosts.stderr + hosts.stdout).toBe(0);
    const listed = JSON.parse(await edgeOrch.ok(['host', 'list', '-o', 'json']));
    expect(listed.map((h: { serial: string }) => h.serial).sort()).toEqual(['SN-0001', 'SN-0002', 'SN-0003']);
  }, 120_000);

  it('keeps both versions of microvisor-nonrt, the latest first, each with its embedded K3s', async () => {
    const versions = JSON.parse(await edgeOrch.ok(['osprofile', 'list', 'microvisor-nonrt', '-o', 'json']));
    expect(versions.map((p: { version: string; kubernetes: { version: string } }) => [p.version, p.kubernetes.version])).toEqual([
      ['3.0.20260701.0100', 'v1.33.5+k3s1'],
      ['3.0.20260602.2200', 'v1.32.4+k3s1'],
    ]);
    const old = JSON.parse(await edgeOrch.ok(['-o', 'json', 'osprofile', 'get', OLD]));
    expect(old.displayName).toBe('Edge Microvisor Toolkit 3.0.20260602');
  });

  it('explains each version of microvisor-nonrt in template list --compatible-with, in the table', async () => {
    const table = await edgeOrch.ok(step('template', 'list'));
    const [compatible, excluded] = table.split('Excluded');
    expect(compatible).toMatch(new RegExp(`baseline-k3s\\s+v0\\.0\\.4\\s+k3s\\s+v1\\.32\\.4\\+k3s1\\s+${OLD}\\s+air-gapped`));
    expect(compatible).toMatch(new RegExp(`baseline-k3s\\s+v0\\.0\\.10\\s+k3s\\s+v1\\.33\\.5\\+k3s1\\s+${NEW}\\s+air-gapped`));
    expect(excluded).toMatch(new RegExp(`baseline-k3s\\s+v0\\.0\\.10\\s+v1\\.33\\.5\\+k3s1\\s+${OLD}\\s+K3sVersionMismatch: `));
    expect(excluded).toMatch(new RegExp(`baseline-k3s\\s+v0\\.0\\.4\\s+v1\\.32\\.4\\+k3s1\\s+${NEW}\\s+K3sVersionMismatch: `));
  });

  it('explains each version in the API answer, and one version alone when it is named', async () => {
    const all = JSON.parse(await edgeOrch.ok(['-o', 'json', 'template', 'list', '--compatible-with', 'microvisor-nonrt', '--explain']));
    const pairs = (list: { version: string; compatibility?: { osProfileVersion: string }; osProfileVersion?: string }[]) =>
      list.map((t) => `${t.version} on ${t.compatibility?.osProfileVersion ?? t.osProfileVersion}`).sort();
    expect(pairs(all.items)).toEqual(['v0.0.10 on 3.0.20260701.0100', 'v0.0.4 on 3.0.20260602.2200']);
    expect(pairs(all.excluded)).toEqual(['v0.0.10 on 3.0.20260602.2200', 'v0.0.4 on 3.0.20260701.0100']);
    const one = JSON.parse(await edgeOrch.ok(['-o', 'json', 'template', 'list', '--compatible-with', OLD, '--explain']));
    expect(pairs(one.items)).toEqual(['v0.0.4 on 3.0.20260602.2200']);
    expect(one.excluded[0].reason.message).toBe(
      `template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1 but OS profile ${OLD} embeds K3s v1.32.4+k3s1`,
    );
  });

  it('exports a template as the TemplateInfo it was imported from', async () => {
    const exported = JSON.parse(await edgeOrch.ok(step('template', 'export')));
    expect(exported).toEqual(JSON.parse(readFileSync(join(ROOT, 'examples/templates/baseline-k3s-v0.0.4.json'), 'utf8')));
  });
});
