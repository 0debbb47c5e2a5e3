/**
 * `emt packagelist` and `emt imageconfig add-packagelist` through the real CLI on an image-config directory shaped
 * like the EMT toolkit's (test/emt/fixtures/imageconfigs: edge, container, aarch64 and multi-SystemConfig files
 * from the toolkit at d00395ed, without their k3s entries): the list goes only where selected, as upstream added
 * it, a second run changes nothing, every other file stays byte-identical, and a broken config stops everything.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, runCli, snapshotDir, type Workspace } from './support/emt-workspace.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'imageconfigs');
const fixture = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');

describe('package lists in image configs', { timeout: 120_000 }, () => {
  let ws: Workspace;
  const read = (file: string): string => readFileSync(join(ws.imageconfigs, file), 'utf8');
  const addPackageList = (entry: string, ...args: string[]): ReturnType<typeof runCli> =>
    runCli(['emt', 'imageconfig', 'add-packagelist', '--dir', 'toolkit/imageconfigs', entry, ...args], { cwd: ws.dir });
  const rows = (stdout: string): string[][] =>
    stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/));

  beforeAll(async () => {
    ws = await createWorkspace('v1.32.4+k3s1', { configs: {} });
    rmSync(ws.imageconfigs, { recursive: true });
    cpSync(FIXTURES, ws.imageconfigs, { recursive: true });
    rmSync(join(ws.imageconfigs, 'packagelists/k3s.json'));
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it("writes the k3s package list as the toolkit's own, and SELinux and a pinned version only when asked", async () => {
    const plain = await runCli(['emt', 'packagelist', 'k3s', '--out', 'toolkit/imageconfigs/packagelists/k3s.json'], { cwd: ws.dir });
    expect(plain).toMatchObject({ code: 0, stdout: 'wrote toolkit/imageconfigs/packagelists/k3s.json (k3s)\n' });
    expect(JSON.parse(read('packagelists/k3s.json'))).toEqual({ packages: ['k3s'] });
    expect(JSON.parse(fixture('packagelists/k3s.json')).packages).toEqual(['k3s']);

    const pinned = await runCli(
      ['emt', 'packagelist', 'k3s', '--selinux', '--k3s-version', 'v1.32.4+k3s1', '--out', 'pinned.json', '-o', 'json'],
      { cwd: ws.dir },
    );
    expect(JSON.parse(pinned.stdout).packages).toEqual(['k3s=1.32.4+k3s1', 'k3s-selinux']);
  });

  it('shows what would change with --dry-run and writes nothing', async () => {
    const before = snapshotDir(ws.imageconfigs);
    const { code, stdout } = await addPackageList('packagelists/k3s.json', '--config', 'edge-image*.json', '--dry-run');
    expect(code).toBe(0);
    expect(rows(stdout)).toEqual([
      ['edge-image-rt.json', 'x86_64', 'would add', 'Standard: would add'],
      ['edge-image.json', 'x86_64', 'would add', 'Standard: would add'],
    ]);
    expect(snapshotDir(ws.imageconfigs)).toEqual(before);
  });

  it('adds the list to the edge configs and the "+ K3s" SystemConfigs of full.json only, as upstream did, changing no other byte', async () => {
    const before = snapshotDir(ws.imageconfigs);
    const { code, stdout } = await addPackageList(
      'packagelists/k3s.json',
      '--config',
      'edge-image*.json',
      'full.json',
      '--system-config',
      'Standard',
      '* + K3s',
    );
    expect(code).toBe(0);
    expect(rows(stdout)).toEqual([
      ['edge-image-rt.json', 'x86_64', 'added', 'Standard: added'],
      ['edge-image.json', 'x86_64', 'added', 'Standard: added'],
      [
        'full.json',
        'x86_64',
        'added',
        'RT Kernel + Docker + K3s: added, Standard Kernel + Docker + K3s: added, RT Kernel: not selected, Standard Kernel: not selected',
      ],
    ]);
    const edge = (file: string): string =>
      fixture(file).replace(
        '                "packagelists/docker.json"\n',
        '                "packagelists/docker.json",\n                "packagelists/k3s.json"\n',
      );
    expect(read('edge-image.json')).toBe(edge('edge-image.json'));
    expect(read('edge-image-rt.json')).toBe(edge('edge-image-rt.json'));
    // full.json's "+ K3s" lists end in tab-indented lines, as upstream's do; the new entry copies them.
    expect(read('full.json')).toBe(
      fixture('full.json').replaceAll('\t\t"packagelists/docker.json"\n', '\t\t"packagelists/docker.json",\n\t\t"packagelists/k3s.json"\n'),
    );
    const after = snapshotDir(ws.imageconfigs);
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
    expect(changed.sort()).toEqual(['edge-image-rt.json', 'edge-image.json', 'full.json']);
  });

  it('changes no byte on a second run, reads ./packagelists/k3s.json as the same entry, and never edits an aarch64 config', async () => {
    const before = snapshotDir(ws.imageconfigs);
    const { code, stdout } = await addPackageList(
      './packagelists/k3s.json',
      '--config',
      'edge-image*.json',
      'full*.json',
      '--system-config',
      'Standard',
      '* + K3s',
    );
    expect(code).toBe(0);
    expect(rows(stdout).map((r) => r.slice(0, 3))).toEqual([
      ['edge-image-rt.json', 'x86_64', 'already present'],
      ['edge-image.json', 'x86_64', 'already present'],
      ['full-aarch64.json', 'aarch64', 'other architecture'],
      ['full.json', 'x86_64', 'already present'],
    ]);
    expect(snapshotDir(ws.imageconfigs)).toEqual(before);

    const named = await addPackageList('packagelists/k3s.json', '--config', 'full-aarch64.json', '--system-config', '*');
    expect(named).toMatchObject({
      code: 2,
      stderr: 'error: full-aarch64.json is an aarch64 image config; the package list is for x86_64 (--arch) (field: --config)\n',
    });
    expect(snapshotDir(ws.imageconfigs)).toEqual(before);
  });

  it('stops on an image config that is not JSON, naming the file and position, and modifies no file', async () => {
    writeFileSync(
      join(ws.imageconfigs, 'edge-image-broken.json'),
      '{\n    "SystemConfigs": [\n        {\n            "PackageLists": ["packagelists/core-packages-image.json",]\n        }\n    ]\n}\n',
    );
    writeFileSync(join(ws.imageconfigs, 'edge-image.json'), fixture('edge-image.json'));
    const before = snapshotDir(ws.imageconfigs);
    const { code, stdout, stderr } = await addPackageList('packagelists/k3s.json', '--config', 'edge-image*.json');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      `error: ${join('toolkit/imageconfigs', 'edge-image-broken.json')} is not JSON: expected a value, found "]" at line 4 column 70 (position 104)\n`,
    );
    expect(snapshotDir(ws.imageconfigs)).toEqual(before);
  });

  it('refuses a package list that does not exist yet', async () => {
    const { code, stderr } = await addPackageList('packagelists/k3s-missing.json', '--config', 'edge-image.json');
    expect(code).toBe(2);
    expect(stderr).toContain(
      'error: package list packagelists/k3s-missing.json does not exist in toolkit/imageconfigs; write it first with edge-orch emt packagelist k3s',
    );
  });
});
