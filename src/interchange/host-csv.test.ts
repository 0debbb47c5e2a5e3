import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseHostCsv, readHostCsv, writeFailedRowsCsv } from './host-csv.ts';
import { formatHostCsvError, formatHostCsvNote, HOST_CSV_COLUMNS, type HostCsvRow } from './host-csv-format.ts';
import { computeHostImportJobs, type HostImportOptions } from './host-import-jobs.ts';

const HEADER = HOST_CSV_COLUMNS.join(',');
const U1 = '4c4c4544-0044-4210-8031-c2c04f305231';

/** A data line with the given cells (by column) and every other cell empty. */
function line(cells: Partial<Record<(typeof HOST_CSV_COLUMNS)[number], string>>): string {
  return HOST_CSV_COLUMNS.map((c) => {
    const v = cells[c] ?? '';
    return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

const csv = (...lines: string[]): string => `${[HEADER, ...lines].join('\n')}\n`;
const messages = async (text: string): Promise<string[]> => (await parseHostCsv(text)).errors.map(formatHostCsvError);
const notes = async (text: string): Promise<string[]> => (await parseHostCsv(text)).notes.map(formatHostCsvNote);

const PROFILES = [
  {
    name: 'microvisor-nonrt',
    displayName: 'Edge Microvisor Toolkit 3.0.20260602',
    securityFeature: 'SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION',
  },
  {
    name: 'ubuntu-22.04-lts-generic',
    displayName: 'Ubuntu 22.04.5 LTS',
    resourceId: 'os-1a2b3c4d',
    securityFeature: 'SECURITY_FEATURE_NONE',
  },
];
const NO_FLAGS: HostImportOptions = {
  osProfile: null,
  template: null,
  autoProvision: false,
  autoCluster: false,
  atomic: false,
  profiles: PROFILES,
};

describe('parseHostCsv', () => {
  it('reads a row into a registration with Metadata as labels, the template and the K8sConfig cluster', async () => {
    const { rows, errors, unusedColumnsFilled } = await parseHostCsv(
      csv(
        line({
          Serial: 'SN-1',
          UUID: U1.toUpperCase(),
          OSProfile: 'microvisor-nonrt',
          Site: 'store 9',
          Metadata: 'zone=a&rack=7',
          K8sEnable: 'TRUE',
          K8sClusterTemplate: 'baseline-k3s:v0.0.4',
          K8sConfig: 'role:all;name:plant-a;labels:env=prod&tier=edge',
        }),
      ),
    );
    expect(errors).toEqual([]);
    expect(unusedColumnsFilled).toEqual([]);
    expect(rows).toHaveLength(1);
    const { cells, ...row } = rows[0]!;
    expect(row).toEqual({
      line: 2,
      registration: { name: 'host-sn-1', uuid: U1, serial: 'SN-1', site: 'store 9', labels: { zone: 'a', rack: '7' } },
      osProfile: 'microvisor-nonrt',
      template: { name: 'baseline-k3s', version: 'v0.0.4' },
      cluster: { name: 'plant-a', labels: { env: 'prod', tier: 'edge' } },
      k8sEnable: true,
    });
    expect(cells.UUID).toBe(U1.toUpperCase());
  });

  it('names the line and column of a bad UUID', async () => {
    expect(await messages(csv(line({ Serial: 'A' }), line({ UUID: 'abc' })))).toEqual([
      'line 3, column UUID: "abc" is not a UUID (expected 8-4-4-4-12 hex digits)',
    ]);
  });

  it('returns each problem with its line and column as data, the message naming neither', async () => {
    const { rows, errors } = await parseHostCsv(
      csv(
        line({ Serial: 'A', Site: 'a/b' }),
        line({ Serial: 'B', Metadata: 'Bad Key=x', K8sClusterTemplate: 'baseline' }),
        'C,,,,,,,,,,,,,,x',
      ),
    );
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      { line: 2, column: 'Site', message: '"a/b" is not valid; expected letters, digits, spaces, ".", "_", "-", at most 63 characters' },
      {
        line: 3,
        column: 'Metadata',
        message: `label key "Bad Key" is not valid; expected [prefix/]name of letters, digits, '-', '_', '.', at most 63 characters`,
      },
      {
        line: 3,
        column: 'K8sClusterTemplate',
        message: '"baseline" is not a template reference; expected name:version, for example baseline-k3s:v0.0.4',
      },
      { line: 4, column: null, message: expect.stringMatching(/^has 15 fields, the header has 13;/) },
    ]);
  });

  it('reports every bad cell of every row, not just the first', async () => {
    expect(
      await messages(
        csv(
          line({ Serial: 'bad serial!', Metadata: 'zone', Secure: 'yes' }),
          line({ UUID: U1, LVMSize: '10GB', RemoteUser: 'a b', CloudInitMeta: 'ok&', K8sEnable: 'maybe' }),
          line({ Serial: 'B', K8sClusterTemplate: 'baseline-k3s', OSProfile: 'Edge Microvisor Toolkit', Site: 'a/b' }),
          line({}),
        ),
      ),
    ).toEqual([
      'line 2, column Serial: "bad serial!" is not a serial number (expected letters, digits, ".", "_", "-", at most 64 characters)',
      'line 2, column Metadata: "zone" in "zone" is not key=value (expected key=value pairs joined by &, for example zone=a&rack=7)',
      'line 2, column Secure: "yes" is not true or false',
      'line 3, column RemoteUser: "a b" is not a user name or local account id (expected letters, digits, ".", "_", "-", at most 64 characters)',
      'line 3, column LVMSize: "10GB" is not a size (expected a whole number of GB, for example 100)',
      'line 3, column CloudInitMeta: "" is not a custom config name (expected names of letters, digits, ".", "_", "-" joined by &)',
      'line 3, column K8sEnable: "maybe" is not true or false',
      'line 4, column K8sClusterTemplate: "baseline-k3s" is not a template reference; expected name:version, for example baseline-k3s:v0.0.4',
    ]);
  });

  it('checks the site and label syntax the server checks', async () => {
    expect(await messages(csv(line({ Serial: 'A', Site: 'a/b' }), line({ Serial: 'B', Metadata: 'Bad Key=x' })))).toEqual([
      expect.stringMatching(/^line 2, column Site: "a\/b" is not valid; expected letters, digits, spaces/),
      expect.stringMatching(/^line 3, column Metadata: label key "Bad Key" is not valid/),
    ]);
  });

  it('refuses a K8sConfig role that is not one, and a join (controlplane or worker) without a cluster name', async () => {
    expect(
      await messages(
        csv(
          line({ Serial: 'A', K8sConfig: 'role:worker' }),
          line({ Serial: 'B', K8sConfig: 'role:boss' }),
          line({ Serial: 'C', K8sConfig: 'size:3' }),
        ),
      ),
    ).toEqual([
      'line 2, column K8sConfig: role worker joins an existing cluster: give its name (role:worker;name:X)',
      'line 3, column K8sConfig: role "boss" is not a role; expected all, controlplane or worker',
      'line 4, column K8sConfig: "size:3" is not one of role:…, name:…, labels:… (expected role:all;name:X;labels:k=v&k=v)',
    ]);
  });

  it('needs a Serial or a UUID on every row', async () => {
    expect(await messages(csv(line({ Site: 'store' })))).toEqual([
      'line 2, column Serial: a host needs a Serial or a UUID (or both); both are empty',
    ]);
  });

  it('names a duplicate even when the first row has other problems', async () => {
    expect(await messages(csv(line({ Serial: 'A', Secure: 'yes' }), line({ Serial: 'A' })))).toEqual([
      'line 2, column Secure: "yes" is not true or false',
      'line 3, column Serial: Serial A is also on line 2; each host may appear once',
    ]);
  });

  it('names both lines when a UUID, a serial or a derived host name appears twice', async () => {
    expect(
      await messages(
        csv(
          line({ UUID: U1 }),
          line({ Serial: 'SN-1' }),
          line({ UUID: U1.toUpperCase(), Serial: 'SN-9' }),
          line({ Serial: 'SN-1' }),
          line({ Serial: 'sn-1' }),
        ),
      ),
    ).toEqual([
      `line 4, column UUID: UUID ${U1} is also on line 2; each host may appear once`,
      'line 5, column Serial: Serial SN-1 is also on line 3; each host may appear once',
      'line 6, column Serial: the host name derived from it, host-sn-1, is also derived on line 3; hosts are named host-<Serial, lowercased>',
    ]);
  });

  it('reads a UTF-8 BOM, CRLF line ends and quoted fields with line breaks, and keeps line numbers right', async () => {
    const text = `\uFEFF${HEADER}\r\n${line({ Serial: 'A', Metadata: 'note=x' })}\r\n"B",,,"store\r\n9",,,,,,,,,\r\n\r\n${line({ Serial: 'C', UUID: 'nope' })}\r\n`;
    const { rows, errors } = await parseHostCsv(text);
    expect(rows.map((r) => [r.line, r.registration.serial])).toEqual([[2, 'A']]);
    expect(errors.map(formatHostCsvError)).toEqual([
      expect.stringMatching(/^line 3, column Site: "store\\n9" is not valid/),
      'line 6, column UUID: "nope" is not a UUID (expected 8-4-4-4-12 hex digits)',
    ]);
  });

  it('names an unknown column and lists the expected ones', async () => {
    expect(await messages('Serial,UUID,Colour,uuid\nA,,red,\n')).toEqual([
      `line 1: unknown column "Colour" (orch-cli reads columns by position and would read this one as OSProfile); unknown column "uuid" (did you mean UUID? column names are case-sensitive); expected the header ${HEADER}`,
    ]);
  });

  it('names missing required columns and accepts a header without the optional ones', async () => {
    expect(await messages('OSProfile,Site\nx,y\n')).toEqual([
      `line 1: the header has no Serial or UUID column (required: Serial, UUID); expected the header ${HEADER}`,
    ]);
    const { rows, errors } = await parseHostCsv(`UUID,Serial\n${U1},A\n`);
    expect(errors).toEqual([]);
    expect(rows[0]!.registration).toMatchObject({ uuid: U1, serial: 'A' });
  });

  it('explains an empty file and a file with only the header', async () => {
    expect(await messages('')).toEqual([`line 1: the file is empty; expected the header line ${HEADER} and one line per host`]);
    expect(await messages('\uFEFF\r\n\r\n')).toEqual([
      `line 1: the file is empty; expected the header line ${HEADER} and one line per host`,
    ]);
    expect(await messages(`${HEADER}\r\n,,,,,,,,,,,,\r\n`)).toEqual([
      'line 2: the file has a header but no host rows; add one line per host below the header',
    ]);
  });

  it('pads short rows with empty cells, as orch-cli does, and refuses fields past the last column', async () => {
    const { rows, errors } = await parseHostCsv(csv('A,,,', 'B,,,,,,,,,,,,,,,x', 'C,,,,,,,,,,,', 'D,,,,,,,,,,,,,,', 'E'));
    expect(errors.map(formatHostCsvError)).toEqual([
      'line 3: has 16 fields, the header has 13; the fields after the last column ("x") belong to no column',
    ]);
    expect(rows.map((r) => r.registration.serial)).toEqual(['A', 'C', 'D', 'E']);
  });

  it('refuses a filled Error column, and says when a K8sConfig landed there because the row is shifted', async () => {
    // orch-cli's own help sample: one comma too many before K8sConfig.
    const shifted =
      '25002F3,214c4544-2046-5310-8052-cac04f512233,os,site-c69a3c81,false,user,k=v,60,,true,baseline:v2.0.2,,role:all;name:mycluster';
    expect(await messages(csv(shifted, line({ Serial: 'B', 'Error - do not fill': 'checked' })))).toEqual([
      'line 2, column Error - do not fill: is filled ("role:all;name:mycluster") but is only for the failures a tool writes back; orch-cli refuses such a row too. It looks like a K8sConfig one column too far to the right: remove one comma before it',
      'line 3, column Error - do not fill: is filled ("checked") but is only for the failures a tool writes back; orch-cli refuses such a row too. If the row is shifted, a comma too many earlier in the row moved its cells to the right; otherwise clear the cell',
    ]);
  });

  it('notes where edge-orch reads the file differently from orch-cli, with the lines concerned', async () => {
    const rows = ['SN-1', 'EDGENODE1_SERIALNO', 'abc', 'SN_4', 'S.5', 'SN-6', 'GOOD12345'].map((serial) =>
      line({ Serial: serial, K8sEnable: serial === 'GOOD12345' ? 'TRUE' : '', Site: serial === 'abc' ? 'site-7ceae560' : '' }),
    );
    expect(await notes(csv(...rows))).toEqual([
      'lines 2, 3, 4, 5, 6 and 1 more row (Serial): orch-cli refuses these serial numbers (it takes 5 to 20 letters and digits); edge-orch accepts letters, digits, ".", "_" and "-", up to 64 characters',
      "line 4 (Site): Site is kept as the host's site; edge-orch has no site resources, so it does not check that the site exists (orch-cli needs an existing site, by resource id or name, on every provisioned row)",
      'line 8 (K8sEnable): K8sEnable is true in another case than "true": orch-cli creates a cluster only for exactly "true", edge-orch reads true in any case',
    ]);
    expect(await notes(`UUID,Serial\n${U1},ABCDE\n`)).toEqual([
      `line 1: the header is not orch-cli's (${HEADER}): edge-orch reads the columns by their names, orch-cli by their positions, so orch-cli would read this file's cells into other columns`,
    ]);
    expect(await notes(`Serial,UUID,OSProfile\nABCDE\n`)).toEqual([]);
  });

  it('names the line of a broken quote', async () => {
    expect(await messages(csv(line({ Serial: 'A' }), '', 'B,"unclosed,,,', 'C'))).toEqual([
      'line 4: a quoted field starts in this row and is never closed (a closing " is missing); nothing after it can be read',
    ]);
    expect(await messages(csv(line({ Serial: 'A' }), 'B,x"y",,,,,,,,,,,'))).toEqual([
      'line 3: a field has a " inside it but does not start with one; put the whole field in quotes and double the inner quote ("")',
    ]);
  });

  it('notes the EMF columns edge-orch does not use when a row fills them', async () => {
    expect(
      (await parseHostCsv(csv(line({ Serial: 'A', Secure: 'false', LVMSize: '100' }), line({ Serial: 'B', CloudInitMeta: 'proxy&ntp' }))))
        .unusedColumnsFilled,
    ).toEqual(['Secure', 'LVMSize', 'CloudInitMeta']);
  });
});

describe('readHostCsv on bytes', () => {
  const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
  const ascii = (text: string): number[] => [...new TextEncoder().encode(text)];

  it('names UTF-16 and bytes that are not UTF-8 once, with their line', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...`${HEADER}\n`].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect((await readHostCsv([utf16])).errors.map(formatHostCsvError)).toEqual([
      'line 1: the file is UTF-16 (little-endian, with a byte order mark), not UTF-8; save the file as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)") and import it again',
    ]);
    const latin1 = bytes(...ascii(`${HEADER}\nA,,,Z`), 0xfc, ...ascii('rich,,,,,,,,,\n'));
    const { errors, errorCount } = await readHostCsv([latin1]);
    expect(errorCount).toBe(1);
    expect(errors.map(formatHostCsvError)).toEqual([
      'line 2: byte 0xFC is not UTF-8: the file is probably Windows-1252 or ISO-8859-1 (what Excel\'s plain "CSV" saves); save the file as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)") and import it again',
    ]);
  });

  it('reads UTF-8 split anywhere between chunks, CRLF across chunks included', async () => {
    const text = new TextEncoder().encode(
      `${HEADER}\r\n${line({ Serial: 'A', OSProfile: 'Système Zürich' })}\r\n${line({ Serial: 'B' })}\r\n`,
    );
    const chunks = Array.from({ length: text.length }, (_, i) => text.subarray(i, i + 1));
    const { rows, errors } = await readHostCsv(chunks);
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.line, r.osProfile])).toEqual([
      [2, 'Système Zürich'],
      [3, null],
    ]);
  });

  it('lists problems up to the bound and counts the rest', async () => {
    const { errors, errorCount } = await parseHostCsv(csv(...Array.from({ length: 5 }, () => line({ UUID: 'nope' }))), {
      maxListedProblems: 2,
    });
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    expect(errorCount).toBe(5);
  });
});

describe('computeHostImportJobs', () => {
  const rowsOf = async (...lines: string[]): Promise<HostCsvRow[]> => {
    const { rows, errors } = await parseHostCsv(csv(...lines));
    expect(errors).toEqual([]);
    return rows;
  };

  it('registers only, by default, and sends only what the rows say', async () => {
    const { jobs, errors } = computeHostImportJobs(
      await rowsOf(line({ Serial: 'A', Site: 's1', Metadata: 'z=1' }), line({ UUID: U1 })),
      NO_FLAGS,
      50_000,
    );
    expect(errors).toEqual([]);
    expect(jobs.map((j) => j.body)).toEqual([
      {
        defaults: { autoProvision: false, autoCluster: false, atomic: false },
        hosts: [{ serial: 'A', site: 's1', labels: { z: '1' } }, { uuid: U1 }],
      },
    ]);
  });

  it('submits one job per (provision, cluster) pair, cluster jobs first: K8sEnable overrides --auto-cluster per row', async () => {
    const rows = await rowsOf(
      line({ Serial: 'A', K8sEnable: 'false' }),
      line({ Serial: 'B' }),
      line({
        Serial: 'C',
        K8sEnable: 'true',
        OSProfile: 'ubuntu-22.04-lts-generic',
        K8sClusterTemplate: 'baseline:v2.0.2',
        K8sConfig: 'name:plant-c;labels:env=prod',
      }),
      line({ Serial: 'D', K8sEnable: 'false', OSProfile: 'microvisor-nonrt' }),
    );
    const options = {
      ...NO_FLAGS,
      osProfile: PROFILES[0]!,
      template: { name: 'baseline-k3s', version: 'v0.0.4' },
      autoCluster: true,
      atomic: true,
    };
    const { jobs, errors } = computeHostImportJobs(rows, options, 50_000);
    expect(errors).toEqual([]);
    expect(jobs.map((j) => [j.body.defaults, j.rows.map((r) => r.line), j.body.hosts])).toEqual([
      [
        { osProfile: 'microvisor-nonrt', template: 'baseline-k3s:v0.0.4', autoProvision: true, autoCluster: true, atomic: true },
        [3, 4],
        [
          { serial: 'B' },
          {
            serial: 'C',
            template: 'baseline:v2.0.2',
            cluster: { name: 'plant-c', labels: { env: 'prod' } },
          },
        ],
      ],
      [{ osProfile: 'microvisor-nonrt', autoProvision: true, autoCluster: false, atomic: true }, [5], [{ serial: 'D' }]],
      [{ autoProvision: false, autoCluster: false, atomic: true }, [2], [{ serial: 'A' }]],
    ]);
  });

  it('splits big groups into jobs of at most maxHosts rows', async () => {
    const rows = await rowsOf(...Array.from({ length: 5 }, (_, i) => line({ Serial: `S${i}` })));
    expect(computeHostImportJobs(rows, NO_FLAGS, 2).jobs.map((j) => j.rows.map((r) => r.line))).toEqual([[2, 3], [4, 5], [6]]);
  });

  it('names the rows that lack an OS profile or template, and notes cluster columns on rows without a cluster', async () => {
    const rows = await rowsOf(
      line({ Serial: 'A', K8sEnable: 'true' }),
      line({ Serial: 'B', K8sClusterTemplate: 'baseline-k3s:v0.0.4' }),
      line({ Serial: 'C', K8sEnable: 'false', K8sConfig: 'name:x' }),
    );
    expect(computeHostImportJobs(rows, NO_FLAGS, 50_000).errors.map(formatHostCsvError)).toEqual([
      'line 2, column OSProfile: is empty and no --os-profile was given; this row is provisioned because it gets a cluster (K8sEnable is true)',
      'line 2, column K8sClusterTemplate: is empty and no --template was given; this row gets a cluster because K8sEnable is true',
    ]);
    expect(computeHostImportJobs(rows, NO_FLAGS, 50_000).notes.map(formatHostCsvNote)).toEqual([
      'line 2 (K8sConfig): the cluster has no name: in K8sConfig, so edge-orch names it <host name>-cluster (orch-cli names it cluster-<host resource id>)',
      'lines 3 and 4: K8sClusterTemplate or K8sConfig is set but the row gets no cluster (K8sEnable is not true), so they are ignored, as orch-cli ignores them',
    ]);
    expect(
      computeHostImportJobs(await rowsOf(line({ Serial: 'A' })), { ...NO_FLAGS, autoProvision: true }, 50_000).errors.map(
        formatHostCsvError,
      ),
    ).toEqual([
      'line 2, column OSProfile: is empty and no --os-profile was given; this row is provisioned because --auto-provision was given',
    ]);
  });

  it('resolves OSProfile by name, display name or resource id, as orch-cli does, and names the closest when nothing matches', async () => {
    const rows = await rowsOf(
      line({ Serial: 'A', OSProfile: 'Edge Microvisor Toolkit 3.0.20260602' }),
      line({ Serial: 'B', OSProfile: 'os-1a2b3c4d' }),
      line({ Serial: 'C', OSProfile: 'microvisor-nonrt' }),
    );
    const { jobs, errors } = computeHostImportJobs(rows, NO_FLAGS, 50_000);
    expect(errors).toEqual([]);
    expect(jobs[0]!.body.hosts.map((h) => h['osProfile'])).toEqual(['microvisor-nonrt', 'ubuntu-22.04-lts-generic', 'microvisor-nonrt']);
    const unknown = await rowsOf(
      line({ Serial: 'A', OSProfile: 'Edge Microvisor Toolkit 3.0.20250504' }),
      line({ Serial: 'B', OSProfile: 'os-7d650dd1' }),
    );
    expect(computeHostImportJobs(unknown, NO_FLAGS, 50_000).errors.map(formatHostCsvError)).toEqual([
      'line 2, column OSProfile: no OS profile has the name, display name or resource id "Edge Microvisor Toolkit 3.0.20250504"; the closest: microvisor-nonrt ("Edge Microvisor Toolkit 3.0.20260602"), ubuntu-22.04-lts-generic ("Ubuntu 22.04.5 LTS")',
      'line 3, column OSProfile: no OS profile has the name, display name or resource id "os-7d650dd1" (a resource id is given by the orchestrator that created the profile; edge-orch has its own, so name the profile instead); the closest: microvisor-nonrt ("Edge Microvisor Toolkit 3.0.20260602"), ubuntu-22.04-lts-generic ("Ubuntu 22.04.5 LTS")',
    ]);
  });

  it("lets --os-profile replace every row's OSProfile, as orch-cli's flag does, and notes the rows it replaces", async () => {
    const rows = await rowsOf(
      line({ Serial: 'A', OSProfile: 'os-7d650dd1' }),
      line({ Serial: 'B' }),
      line({ Serial: 'C', OSProfile: 'microvisor-nonrt' }),
    );
    const planned = computeHostImportJobs(rows, { ...NO_FLAGS, osProfile: PROFILES[0]!, autoProvision: true }, 50_000);
    expect(planned.errors).toEqual([]);
    expect(planned.jobs.map((j) => [j.body.defaults.osProfile, j.body.hosts])).toEqual([
      ['microvisor-nonrt', [{ serial: 'A' }, { serial: 'B' }, { serial: 'C' }]],
    ]);
    expect(planned.notes.map(formatHostCsvNote)).toEqual([
      "line 2 (OSProfile): --os-profile replaces this OSProfile, as orch-cli's --os-profile does",
    ]);
  });

  it('refuses Secure true on a profile without secure boot and full-disk encryption, and notes a profile that does not say', async () => {
    const rows = await rowsOf(
      line({ Serial: 'A', OSProfile: 'microvisor-nonrt', Secure: 'true' }),
      line({ Serial: 'B', OSProfile: 'ubuntu-22.04-lts-generic', Secure: 'TRUE' }),
      line({ Serial: 'C', OSProfile: 'ubuntu-22.04-lts-generic', Secure: 'false' }),
    );
    expect(computeHostImportJobs(rows, NO_FLAGS, 50_000).errors.map(formatHostCsvError)).toEqual([
      'line 3, column Secure: is true but OS profile ubuntu-22.04-lts-generic has security feature SECURITY_FEATURE_NONE, not SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION; set Secure to false or choose a profile that has it (orch-cli refuses this row too)',
    ]);
    const unknown = computeHostImportJobs(rows.slice(0, 1), { ...NO_FLAGS, profiles: [{ name: 'microvisor-nonrt' }] }, 50_000);
    expect(unknown.errors).toEqual([]);
    expect(unknown.notes.map(formatHostCsvNote)).toEqual([
      'line 2 (Secure): Secure is true but the OS profile does not say which security feature it has, so edge-orch cannot check it (orch-cli needs SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION)',
    ]);
  });

  it('names both lines when two rows would create clusters of the same name', async () => {
    const rows = await rowsOf(line({ Serial: 'A', K8sConfig: 'name:host-b-cluster' }), line({ Serial: 'B' }));
    const options = { ...NO_FLAGS, osProfile: PROFILES[0]!, template: { name: 't', version: 'v1.0.0' }, autoCluster: true };
    expect(computeHostImportJobs(rows, options, 50_000).errors.map(formatHostCsvError)).toEqual([
      'line 3, column K8sConfig: cluster name host-b-cluster is also used on line 2; give each cluster its own name:…',
    ]);
  });
});

describe('writeFailedRowsCsv', () => {
  it('writes the failed rows as written, with the step and reason in the error column, ready to import again', async () => {
    const text = `\uFEFF${HEADER}\r\n${line({ Serial: 'A', Metadata: 'zone=a&rack=7' })}\r\n${line({ Serial: 'B', K8sConfig: 'role:all;name:b' })}\r\n`;
    const { rows } = await parseHostCsv(text);
    const out = writeFailedRowsCsv(rows, [
      { line: 3, step: 'create-cluster', message: 'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1, "quoted"' },
    ]);
    expect(parse(out)).toEqual([
      [...HOST_CSV_COLUMNS],
      [
        'B',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'role:all;name:b',
        'create-cluster: template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1, "quoted"',
      ],
    ]);
    const again = await parseHostCsv(out);
    expect(again.errors).toEqual([]);
    expect(again.rows.map((r) => r.registration.serial)).toEqual(['B']);
  });
});
