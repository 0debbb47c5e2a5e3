/**
 * `emt packagelist` and `emt imageconfig add-packagelist` through the real CLI on EMT toolkit-style image
 * configs: only the inserted bytes change, a second run changes none, a broken config stops everything.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, EDGE_IMAGE_CONFIG, EDGE_IMAGE_DEV_CONFIG, runCli, snapshotDir, type Workspace } from './support/emt-workspace.ts';

describe('package lists in image configs', { timeout: 90_000 }, () => {
  let ws: Workspace;
  const read = (file: string): string => readFileSync(join(ws.imageconfigs, file), 'utf8');
  const addPackageList = (): ReturnType<typeof runCli> =>
    runCli(['emt', 'imageconfig', 'add-packagelist', '--dir', 'toolkit/imageconfigs', 'packagelists/k3s.json'], { cwd: ws.dir });

  beforeAll(async () => {
    ws = await createWorkspace('v1.32.4+k3s1', {
      configs: {
        'edge-image.json': EDGE_IMAGE_CONFIG,
        'edge-image-dev.json': EDGE_IMAGE_DEV_CONFIG,
        'settings.json': '{"Comment": "not an image config"}\n',
      },
    });
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('writes the k3s package list in the EMT toolkit format', async () => {
    const { code, stdout } = await runCli(['emt', 'packagelist', 'k3s', '--out', 'toolkit/imageconfigs/packagelists/k3s.json'], {
      cwd: ws.dir,
    });
    expect(code).toBe(0);
    expect(stdout).toBe('wrote toolkit/imageconfigs/packagelists/k3s.json (k3s, k3s-selinux)\n');
    expect(read('packagelists/k3s.json')).toBe('{\n    "packages": [\n        "k3s",\n        "k3s-selinux"\n    ]\n}\n');
  });

  it("appends the list to every image config, changing no other byte, in each file's own indentation", async () => {
    const { code, stdout } = await addPackageList();
    expect(code).toBe(0);
    expect(
      stdout
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s{2,}/)),
    ).toEqual([
      ['edge-image-dev.json', 'added', 'Standard: added'],
      ['edge-image.json', 'added', 'Standard: added'],
      ['settings.json', 'no PackageLists', '-'],
      [''],
    ]);
    expect(read('edge-image.json')).toBe(
      EDGE_IMAGE_CONFIG.replace(
        '                "packagelists/ssh-server.json"\n',
        '                "packagelists/ssh-server.json",\n                "packagelists/k3s.json"\n',
      ),
    );
    expect(read('edge-image-dev.json')).toBe(
      EDGE_IMAGE_DEV_CONFIG.replace(
        '        "packagelists/developer-packages.json"\n',
        '        "packagelists/developer-packages.json",\n        "packagelists/k3s.json"\n',
      ),
    );
    expect(read('settings.json')).toBe('{"Comment": "not an image config"}\n');
  });

  it('changes no byte on a second run and says the list is already present', async () => {
    const before = snapshotDir(ws.imageconfigs);
    const { code, stdout } = await addPackageList();
    expect(code).toBe(0);
    expect(stdout).toMatch(/edge-image\.json\s+already present\s+Standard: already present/);
    expect(snapshotDir(ws.imageconfigs)).toEqual(before);
  });

  it('stops on an image config that is not JSON, naming the file and position, and modifies no file', async () => {
    writeFileSync(join(ws.imageconfigs, 'edge-image.json'), EDGE_IMAGE_CONFIG); // back to the list without k3s
    writeFileSync(
      join(ws.imageconfigs, 'edge-image-rt.json'),
      '{\n    "SystemConfigs": [\n        {\n            "PackageLists": ["packagelists/core-packages-image.json",]\n        }\n    ]\n}\n',
    );
    const before = snapshotDir(ws.imageconfigs);
    const { code, stdout, stderr } = await addPackageList();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: ${join('toolkit/imageconfigs', 'edge-image-rt.json')} is not JSON: expected a value, found "]" at line 4 column 70 (position 104)\n`,
    );
    expect(snapshotDir(ws.imageconfigs)).toEqual(before);
  });

  it('refuses a package list that does not exist yet', async () => {
    const { code, stderr } = await runCli(
      ['emt', 'imageconfig', 'add-packagelist', '--dir', 'toolkit/imageconfigs', 'packagelists/k3s-missing.json'],
      { cwd: ws.dir },
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error: package list packagelists/k3s-missing.json does not exist in toolkit/imageconfigs; write it first with edge-orch emt packagelist k3s',
    );
  });
});
