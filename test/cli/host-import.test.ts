/**
 * `edge-orch host import` as a user runs it: a real server, the real CLI process, the shared OS profiles and
 * templates, and CSV files generated here in the EMF tool's format.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.ts';
import { HOST_CSV_COLUMNS } from '../../src/interchange/host-csv-format.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createEdgeOrchCli, type CliResult, type EdgeOrchCli } from '../support/edge-orch-cli.ts';
import { FORMATS_DIR, osProfileFiles, readFormat, templateFiles } from '../support/formats.ts';
import { createPinnedFetch } from '../../src/system/pinned-fetch.ts';

const HEADER = HOST_CSV_COLUMNS.join(',');
const MISMATCH =
  'create-cluster: template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1 but OS profile microvisor-nonrt:3.0.20260602.2200 embeds K3s v1.32.4+k3s1';

type Cells = Partial<Record<(typeof HOST_CSV_COLUMNS)[number], string>>;
const csvLine = (cells: Cells): string => HOST_CSV_COLUMNS.map((c) => cells[c] ?? '').join(',');

/** orch-cli's test data and help, and the EMF documentation's samples, as their sources have them (README.md there). */
const ORCH_CLI_DIR = join(import.meta.dirname, '../formats/orch-cli');
/** The EMT display names the samples use, each imported as its own OS profile (infra-core's spec.name). */
const SAMPLE_EMT_VERSIONS = ['20250504', '20250617', '20250717', '20250808', '20251204'];

/**
 * Row i of the mixed file: templates and profiles vary, every tenth row (i % 10 = 3) asks for K3s v1.33.5 on
 * the EMT profile that embeds v1.32.4; some rows take the --os-profile/--template defaults, some have no cluster.
 */
function mixedRow(i: number): Cells {
  const base: Cells = { Serial: `MIX-${String(i).padStart(4, '0')}`, Site: `store-${i % 7}`, Metadata: `batch=mixed&slot=${i % 3}` };
  switch (i % 10) {
    case 0:
    case 1:
      return { ...base, OSProfile: 'microvisor-nonrt', K8sClusterTemplate: 'baseline-k3s:v0.0.4' };
    case 2:
      return {
        ...base,
        OSProfile: 'ubuntu-22.04-lts-generic',
        K8sClusterTemplate: 'baseline-k3s:v0.0.10',
        K8sConfig: `role:all;name:plant-${i};labels:tier=edge`,
      };
    case 3:
      return { ...base, OSProfile: 'microvisor-nonrt', K8sClusterTemplate: 'baseline-k3s:v0.0.10' };
    case 4:
      return { ...base, OSProfile: 'ubuntu-22.04-lts-generic', K8sClusterTemplate: 'privileged-k3s:v0.0.10', K8sEnable: 'true' };
    case 5:
      return { ...base, OSProfile: 'microvisor-nonrt', K8sClusterTemplate: 'baseline-k3s:v0.0.4' };
    case 6:
      return { ...base, OSProfile: 'Edge Microvisor Toolkit 3.0.20260602' };
    case 7:
      return { ...base, K8sEnable: 'false' };
    case 8:
      return { ...base, OSProfile: 'ubuntu-22.04-lts-generic', K8sEnable: 'FALSE', Secure: 'false' };
    default:
      return {
        ...base,
        UUID: `0000${String(i).padStart(4, '0')}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`,
        OSProfile: 'microvisor-nonrt',
      };
  }
}

describe('edge-orch host import', () => {
  let server: RunningServer;
  let dir: string;
  let edgeOrch: EdgeOrchCli;
  const cli = (...args: string[]): Promise<CliResult> => edgeOrch.run(args);

  function writeCsv(name: string, rows: Cells[]): string {
    const file = join(dir, name);
    writeFileSync(file, `${[HEADER, ...rows.map(csvLine)].join('\r\n')}\r\n`);
    return file;
  }

  async function hostSerials(): Promise<string[]> {
    const { stdout } = await cli('host', 'list', '--all', '--limit', '500', '-o', 'json');
    return (JSON.parse(stdout) as { serial: string | null }[]).map((h) => h.serial ?? '').sort();
  }

  const DEFAULTS = ['--os-profile', 'microvisor-nonrt', '--template', 'baseline-k3s:v0.0.4', '--auto-cluster'];
  /** The mixed file names each row's OS profile (--os-profile would replace them all, as orch-cli's does). */
  const MIXED_FLAGS = ['--template', 'baseline-k3s:v0.0.4', '--auto-cluster'];
  const ORCH_CLI_SERIAL_NOTE =
    'orch-cli refuses these serial numbers (it takes 5 to 20 letters and digits); edge-orch accepts letters, digits, ".", "_" and "-", up to 64 characters';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-orch-import-'));
    server = await startServer(loadServerConfig({ dataDir: join(dir, 'data'), port: 0, logLevel: 'silent' }, {}));
    edgeOrch = createEdgeOrchCli({ home: dir });
    expect((await cli('login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!)).code).toBe(0);
    for (const file of osProfileFiles()) expect((await cli('osprofile', 'import', join(FORMATS_DIR, file))).code).toBe(0);
    expect((await cli('template', 'import', ...templateFiles().map((f) => join(FORMATS_DIR, f)))).code).toBe(0);
  });
  afterAll(async () => server?.close());

  it('registers, provisions and clusters every row and prints the per-step summary', async () => {
    const file = writeCsv(
      'all-good.csv',
      Array.from({ length: 12 }, (_, i) => ({
        Serial: `GOOD-${i}`,
        Metadata: 'batch=good',
        ...(i % 2 ? { OSProfile: 'ubuntu-22.04-lts-generic', K8sClusterTemplate: 'baseline-k3s:v0.0.4' } : {}),
      })),
    );
    const { code, stdout, stderr } = await cli('host', 'import', file, '--auto-provision', ...DEFAULTS);
    expect(stderr).toMatch(/^registration job \S+: 12 hosts \(register, provision, cluster\)$/m);
    expect(stderr).toContain('registering: 12/12 done, 12 succeeded, 0 failed');
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s{2,}/)),
    ).toEqual([
      ['STEP', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'COMPENSATED'],
      ['register-host', '12', '0', '0', '0'],
      ['create-instance', '12', '0', '0', '0'],
      ['create-cluster', '12', '0', '0', '0'],
      ['12 of 12 rows succeeded, 0 failed'],
    ]);
    expect(existsSync(join(dir, 'all-good.failed.csv'))).toBe(false);
    const { stdout: listed } = await cli('host', 'list', '--label', 'batch=good', '-o', 'json');
    expect((JSON.parse(listed) as { serial: string }[]).map((h) => h.serial).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `GOOD-${i}`).sort(),
    );
  });

  it('prints every row problem with its line and column and sends nothing', async () => {
    const before = await hostSerials();
    const file = join(dir, 'broken.csv');
    writeFileSync(
      file,
      `\uFEFF${HEADER}\r\n${csvLine({ Serial: 'BAD-1', UUID: 'abc' })}\r\n"BAD-2",,,"two\r\nlines",,,,,,,,,\r\n${csvLine({ Serial: 'BAD-1' })}\r\n${csvLine({ Serial: 'BAD-4', K8sConfig: 'role:worker' })}\r\n`,
    );
    const { code, stdout, stderr } = await cli('host', 'import', file, ...DEFAULTS);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([
      `note: ${file}: lines 2, 3, 5 and 6 (Serial): ${ORCH_CLI_SERIAL_NOTE}`,
      `${file}: line 2, column UUID: "abc" is not a UUID (expected 8-4-4-4-12 hex digits)`,
      expect.stringMatching(new RegExp(`^${file}: line 3, column Site: "two\\\\nlines" is not valid`)),
      `${file}: line 5, column Serial: Serial BAD-1 is also on line 2; each host may appear once`,
      `${file}: line 6, column K8sConfig: role worker joins an existing cluster: give its name (role:worker;name:X)`,
      `error: 4 problems in ${file}; nothing was sent to the server`,
      '',
    ]);
    expect(await hostSerials()).toEqual(before);
  });

  it('checks a mixed 1,000-row file in a dry run without writing anything', async () => {
    const file = writeCsv(
      'mixed.csv',
      Array.from({ length: 1000 }, (_, i) => mixedRow(i)),
    );
    const before = await hostSerials();
    const { code, stdout, stderr } = await cli('host', 'import', file, ...MIXED_FLAGS, '--dry-run');
    expect(stderr.split('\n')).toEqual([
      'note: Secure is checked for syntax only: edge-orch does not use the EMF columns Secure, RemoteUser, LVMSize, CloudInitMeta (it has no secure boot, remote user, LVM or cloud-init settings)',
      `note: ${file}: lines 2, 3, 4, 5, 6 and 995 more rows (Serial): ${ORCH_CLI_SERIAL_NOTE}`,
      expect.stringMatching(
        new RegExp(`^note: ${file}: lines 2, 3, 4, 5, 6 and 995 more rows \\(Site\\): Site is kept as the host's site;`),
      ),
      expect.stringMatching(
        new RegExp(`^note: ${file}: lines 2, 3, 5, 6, 7 and 695 more rows \\(K8sConfig\\): the cluster has no name: in K8sConfig`),
      ),
      '',
    ]);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('dry run: 1000 rows checked, 900 would succeed, 100 would fail; nothing was written');
    const failing = lines.slice(1, -1);
    expect(failing).toHaveLength(100);
    expect(failing[0]).toMatch(
      /^5\s+MIX-0003\s+-\s+create-cluster\s+K3sVersionMismatch: template baseline-k3s:v0\.0\.10 needs K3s v1\.33\.5\+k3s1 but OS profile microvisor-nonrt:3\.0\.20260602\.2200 embeds K3s v1\.32\.4\+k3s1$/,
    );
    expect(await hostSerials()).toEqual(before);
    expect(existsSync(join(dir, 'mixed.failed.csv'))).toBe(false);
  });

  // 1,100 hosts registered, provisioned and clustered by a real server: the slowest case of the suite.
  it('imports the mixed file, writes exactly the incompatible rows back, and the fixed file imports', async () => {
    const file = join(dir, 'mixed.csv');
    const { code, stdout, stderr } = await cli('host', 'import', file, ...MIXED_FLAGS, '-o', 'json');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /registration job \S+: 800 hosts \(register, provision, cluster\)\nregistration job \S+: 100 hosts \(register, provision\)\nregistration job \S+: 100 hosts \(register only\)\n/,
    );
    const report = JSON.parse(stdout);
    expect(report.totals).toEqual({ hosts: 1000, succeeded: 900, failed: 100 });
    expect(report.steps).toEqual([
      { step: 'register-host', succeeded: 1000, failed: 0, skipped: 0, compensated: 0 },
      { step: 'create-instance', succeeded: 900, failed: 0, skipped: 0, compensated: 0 },
      { step: 'create-cluster', succeeded: 700, failed: 100, skipped: 0, compensated: 0 },
    ]);
    expect(report.failedRowsFile).toBe(join(dir, 'mixed.failed.csv'));

    const failedText = readFileSync(report.failedRowsFile, 'utf8');
    const [header, ...failed] = parse(failedText) as string[][];
    expect(header).toEqual([...HOST_CSV_COLUMNS]);
    const expected = Array.from({ length: 1000 }, (_, i) => i)
      .filter((i) => i % 10 === 3)
      .map((i) => {
        const cells = mixedRow(i);
        return HOST_CSV_COLUMNS.map((c) => (c === 'Error - do not fill' ? MISMATCH : (cells[c] ?? '')));
      });
    expect(failed).toEqual(expected);

    const fixed = join(dir, 'mixed.fixed.csv');
    writeFileSync(fixed, failedText.replaceAll('baseline-k3s:v0.0.10', 'baseline-k3s:v0.0.4'));
    const again = await cli('host', 'import', fixed, ...DEFAULTS, '-o', 'json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      totals: { hosts: 100, succeeded: 100, failed: 0 },
      steps: [
        { step: 'register-host', succeeded: 100, failed: 0 },
        { step: 'create-instance', succeeded: 100, failed: 0 },
        { step: 'create-cluster', succeeded: 100, failed: 0 },
      ],
      failedRowsFile: null,
    });
    expect((await hostSerials()).filter((s) => s.startsWith('MIX-'))).toHaveLength(1000);
  }, 60_000);

  describe("orch-cli's and the EMF documentation's samples", () => {
    beforeAll(async () => {
      const emt = readFormat('os-profiles/microvisor-nonrt.yaml');
      for (const version of SAMPLE_EMT_VERSIONS) {
        const file = join(dir, `emt-${version}.yaml`);
        writeFileSync(
          file,
          emt
            .replace(/^ {2}name: .*$/m, `  name: Edge Microvisor Toolkit 3.0.${version}`)
            .replace(/^ {2}profileName: .*$/m, `  profileName: emt-${version}`),
        );
        expect((await cli('osprofile', 'import', file)).code).toBe(0);
      }
      // The template the EMF documentation's provisioning sample names.
      const baseline = JSON.parse(readFormat('templates/baseline-rke2-v2.0.2.json')) as Record<string, unknown>;
      const file = join(dir, 'baseline-v1.0.0.json');
      writeFileSync(file, JSON.stringify({ ...baseline, version: 'v1.0.0' }));
      expect((await cli('template', 'import', file)).code).toBe(0);
    });

    const sample = (name: string): string => join(ORCH_CLI_DIR, name);
    const dryRun = async (file: string, ...flags: string[]): Promise<CliResult> => cli('host', 'import', file, '--dry-run', ...flags);

    it.each([
      ['minimal.csv', 1, []],
      ['help-onboarding.csv', 3, []],
      ['emf-o11y-nio.csv', 1, []],
      ['emf-vpro-template.csv', 2, []],
    ] as const)('would import every row of %s, whose data orch-cli accepts', async (name, rows, flags) => {
      const { code, stdout } = await dryRun(sample(name), ...flags);
      expect(stdout.trim()).toBe(`dry run: ${rows} rows checked, ${rows} would succeed, 0 would fail; nothing was written`);
      expect(code).toBe(0);
    });

    it("would import the provisioning sample's hosts, but not its cluster on the RKE2 template, naming the reason", async () => {
      // Its resource id os-7d650dd1 belongs to the orchestrator that made it; the flag replaces it, as orch-cli's does.
      const { code, stdout } = await dryRun(
        sample('emf-registration-provisioning.csv'),
        '--os-profile',
        'Edge Microvisor Toolkit 3.0.20250808',
      );
      const lines = stdout.trim().split('\n');
      expect(lines[1]).toMatch(
        /^4\s+FW908CX\s+\S+\s+create-cluster\s+FlavorNotInstallable: template baseline:v1\.0\.0 is RKE2 v1\.30\.10\+rke2r1; the agent installs K3s only, so it cannot run on any host$/,
      );
      expect(lines.at(-1)).toBe('dry run: 3 rows checked, 2 would succeed, 1 would fail; nothing was written');
      expect(code).toBe(1);
    });

    const refused = async (name: string): Promise<string[]> => {
      const { code, stdout, stderr } = await dryRun(sample(name));
      expect({ name, code, stdout }).toEqual({ name, code: 2, stdout: '' });
      return stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('note: '));
    };

    it("refuses the help sample's row whose K8sConfig landed in the Error column, as orch-cli refuses it", async () => {
      const help = sample('help-provisioning.csv');
      expect(await refused('help-provisioning.csv')).toEqual([
        `${help}: line 6, column Error - do not fill: is filled ("role:all;name:mycluster;labels:key1=val1&key2=val2") but is only for the failures a tool writes back; orch-cli refuses such a row too. It looks like a K8sConfig one column too far to the right: remove one comma before it`,
        `error: 1 problem in ${help}; nothing was sent to the server`,
      ]);
    });

    it("refuses the documentation's rows whose LVMSize landed in Metadata, as orch-cli refuses them", async () => {
      const example = sample('emf-registration-example.csv');
      expect(await refused('emf-registration-example.csv')).toEqual([
        ...[2, 3, 4].map(
          (line) =>
            `${example}: line ${line}, column Metadata: "500" in "500" is not key=value (expected key=value pairs joined by &, for example zone=a&rack=7)`,
        ),
        `error: 3 problems in ${example}; nothing was sent to the server`,
      ]);
    });

    it("refuses an OSProfile that is another orchestrator's resource id, naming the closest profiles", async () => {
      const provisioning = sample('emf-registration-provisioning.csv');
      expect(await refused('emf-registration-provisioning.csv')).toEqual([
        ...[2, 4].map((line) =>
          expect.stringMatching(
            new RegExp(
              `^${provisioning}: line ${line}, column OSProfile: no OS profile has the name, display name or resource id "os-7d650dd1" \\(a resource id`,
            ),
          ),
        ),
        `error: 2 problems in ${provisioning}; nothing was sent to the server`,
      ]);
    });

    it("imports orch-cli's help sample once its shifted K8sConfig is moved back into its column, but not its RKE2 cluster", async () => {
      const file = join(dir, 'help-fixed.csv');
      writeFileSync(file, readFileSync(sample('help-provisioning.csv'), 'utf8').replace(',,role:all;', ',role:all;'));
      const { code, stdout } = await dryRun(file);
      const lines = stdout.trim().split('\n');
      expect(lines[1]).toMatch(/^6\s+25002F3\s+\S+\s+create-cluster\s+FlavorNotInstallable: /);
      expect(lines.at(-1)).toBe('dry run: 5 rows checked, 4 would succeed, 1 would fail; nothing was written');
      expect(code).toBe(1);
    });

    it("imports orch-cli's mock.csv by the OS profile's display name, and refuses its cluster on the RKE2 template with the reason", async () => {
      const file = join(dir, 'mock.csv');
      writeFileSync(file, readFileSync(sample('mock.csv')));
      const { code, stdout } = await cli('host', 'import', file, '-o', 'json');
      expect(code).toBe(1);
      const report = JSON.parse(stdout);
      expect(report).toMatchObject({
        totals: { hosts: 1, succeeded: 0, failed: 1 },
        steps: [
          { step: 'register-host', succeeded: 1 },
          { step: 'create-instance', succeeded: 1 },
          { step: 'create-cluster', succeeded: 0, failed: 1 },
        ],
      });
      const [, failed] = parse(readFileSync(report.failedRowsFile, 'utf8')) as string[][];
      expect(failed!.at(-1)).toBe(
        'create-cluster: template baseline:v2.0.2 is RKE2 v1.30.10+rke2r1; the agent installs K3s only, so it cannot run on any host',
      );
      const token = readFileSync(server.adminTokenFile!, 'utf8').trim();
      const trusted = createPinnedFetch(readFileSync(server.caFile!, 'utf8'));
      const response = await trusted(`${server.url}/api/v1/projects/default/clusters/mycluster`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(404);
    });
  });
});
