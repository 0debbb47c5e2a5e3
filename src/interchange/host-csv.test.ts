import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatHostCsvError, HOST_CSV_COLUMNS, parseHostCsv, writeFailedRowsCsv, type HostCsvRow } from './host-csv.ts';
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
const messages = (text: string): string[] => parseHostCsv(text).errors.map(formatHostCsvError);

const NO_FLAGS: HostImportOptions = { osProfile: null, template: null, autoProvision: false, autoCluster: false, atomic: false };

describe('parseHostCsv', () => {
  it('reads a row into a registration with Metadata as labels, the template and the K8sConfig cluster', () => {
    const { rows, errors, unusedColumnsFilled } = parseHostCsv(
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

  it('names the line and column of a bad UUID', () => {
    expect(messages(csv(line({ Serial: 'A' }), line({ UUID: 'abc' })))).toEqual([
      'line 3, column UUID: "abc" is not a UUID (expected 8-4-4-4-12 hex digits)',
    ]);
  });

  it('returns each problem with its line and column as data, the message naming neither', () => {
    const { rows, errors } = parseHostCsv(
      csv(line({ Serial: 'A', Site: 'a/b' }), line({ Serial: 'B', Metadata: 'Bad Key=x', K8sClusterTemplate: 'baseline' }), 'C,,,'),
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
      { line: 4, column: null, message: expect.stringMatching(/^has 4 fields, the header has 13;/) },
    ]);
  });

  it('reports every bad cell of every row, not just the first', () => {
    expect(
      messages(
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
      expect.stringMatching(/^line 4, column OSProfile: "Edge Microvisor Toolkit" is not an OS profile name \(expected lowercase/),
      'line 4, column K8sClusterTemplate: "baseline-k3s" is not a template reference; expected name:version, for example baseline-k3s:v0.0.4',
    ]);
  });

  it('checks the site and label syntax the server checks', () => {
    expect(messages(csv(line({ Serial: 'A', Site: 'a/b' }), line({ Serial: 'B', Metadata: 'Bad Key=x' })))).toEqual([
      expect.stringMatching(/^line 2, column Site: "a\/b" is not valid; expected letters, digits, spaces/),
      expect.stringMatching(/^line 3, column Metadata: label key "Bad Key" is not valid/),
    ]);
  });

  it('refuses K8sConfig roles other than all: automatic clusters are single-node', () => {
    expect(
      messages(
        csv(
          line({ Serial: 'A', K8sConfig: 'role:worker;name:x' }),
          line({ Serial: 'B', K8sConfig: 'role:boss' }),
          line({ Serial: 'C', K8sConfig: 'size:3' }),
        ),
      ),
    ).toEqual([
      'line 2, column K8sConfig: role worker is not possible here: an automatically created cluster is single-node, so its host has role all',
      'line 3, column K8sConfig: role "boss" is not a role; the only role of an automatically created cluster is all',
      'line 4, column K8sConfig: "size:3" is not one of role:…, name:…, labels:… (expected role:all;name:X;labels:k=v&k=v)',
    ]);
  });

  it('needs a Serial or a UUID on every row', () => {
    expect(messages(csv(line({ Site: 'store' })))).toEqual([
      'line 2, column Serial: a host needs a Serial or a UUID (or both); both are empty',
    ]);
  });

  it('names a duplicate even when the first row has other problems', () => {
    expect(messages(csv(line({ Serial: 'A', Secure: 'yes' }), line({ Serial: 'A' })))).toEqual([
      'line 2, column Secure: "yes" is not true or false',
      'line 3, column Serial: Serial A is also on line 2; each host may appear once',
    ]);
  });

  it('names both lines when a UUID, a serial or a derived host name appears twice', () => {
    expect(
      messages(
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

  it('reads a UTF-8 BOM, CRLF line ends and quoted fields with line breaks, and keeps line numbers right', () => {
    const text = `\uFEFF${HEADER}\r\n${line({ Serial: 'A', Metadata: 'note=x' })}\r\n"B",,,"store\r\n9",,,,,,,,,\r\n\r\n${line({ Serial: 'C', UUID: 'nope' })}\r\n`;
    const { rows, errors } = parseHostCsv(text);
    expect(rows.map((r) => [r.line, r.registration.serial])).toEqual([[2, 'A']]);
    expect(errors.map(formatHostCsvError)).toEqual([
      expect.stringMatching(/^line 3, column Site: "store\\n9" is not valid/),
      'line 6, column UUID: "nope" is not a UUID (expected 8-4-4-4-12 hex digits)',
    ]);
  });

  it('names an unknown column and lists the expected ones', () => {
    expect(messages('Serial,UUID,Colour,uuid\nA,,red,\n')).toEqual([
      `line 1: unknown column "Colour"; unknown column "uuid" (did you mean UUID? column names are case-sensitive); expected the header ${HEADER}`,
    ]);
  });

  it('names missing required columns and accepts a header without the optional ones', () => {
    expect(messages('OSProfile,Site\nx,y\n')).toEqual([
      `line 1: the header has no Serial or UUID column (required: Serial, UUID); expected the header ${HEADER}`,
    ]);
    const { rows, errors } = parseHostCsv(`UUID,Serial\n${U1},A\n`);
    expect(errors).toEqual([]);
    expect(rows[0]!.registration).toMatchObject({ uuid: U1, serial: 'A' });
  });

  it('explains an empty file and a file with only the header', () => {
    expect(messages('')).toEqual([`line 1: the file is empty; expected the header line ${HEADER} and one line per host`]);
    expect(messages('\uFEFF\r\n\r\n')).toEqual([`line 1: the file is empty; expected the header line ${HEADER} and one line per host`]);
    expect(messages(`${HEADER}\r\n,,,,,,,,,,,,\r\n`)).toEqual([
      'line 2: the file has a header but no host rows; add one line per host below the header',
    ]);
  });

  it('refuses rows with too few or too many fields but tolerates a missing error column and trailing empty fields', () => {
    const { rows, errors } = parseHostCsv(csv('A,,,', 'B,,,,,,,,,,,,,,,x', 'C,,,,,,,,,,,', 'D,,,,,,,,,,,,,,'));
    expect(errors.map(formatHostCsvError)).toEqual([
      'line 2: has 4 fields, the header has 13; every row needs one field per header column (an empty field still needs its comma)',
      'line 3: has 16 fields, the header has 13; the fields after the last column ("x") belong to no column',
    ]);
    expect(rows.map((r) => r.registration.serial)).toEqual(['C', 'D']);
  });

  it('names the line of a broken quote', () => {
    expect(messages(csv(line({ Serial: 'A' }), '', 'B,"unclosed,,,', 'C'))).toEqual([
      'line 4: a quoted field starts in this row and is never closed (a closing " is missing); nothing after it can be read',
    ]);
    expect(messages(csv(line({ Serial: 'A' }), 'B,x"y",,,,,,,,,,,'))).toEqual([
      'line 3: a field has a " inside it but does not start with one; put the whole field in quotes and double the inner quote ("")',
    ]);
  });

  it('notes the EMF columns edge-orch does not use when a row fills them', () => {
    expect(
      parseHostCsv(csv(line({ Serial: 'A', Secure: 'false', LVMSize: '100' }), line({ Serial: 'B', CloudInitMeta: 'proxy&ntp' })))
        .unusedColumnsFilled,
    ).toEqual(['Secure', 'LVMSize', 'CloudInitMeta']);
  });
});

describe('computeHostImportJobs', () => {
  const rowsOf = (...lines: string[]): HostCsvRow[] => {
    const { rows, errors } = parseHostCsv(csv(...lines));
    expect(errors).toEqual([]);
    return rows;
  };

  it('registers only, by default, and sends only what the rows say', () => {
    const { jobs, errors } = computeHostImportJobs(
      rowsOf(line({ Serial: 'A', Site: 's1', Metadata: 'z=1' }), line({ UUID: U1 })),
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

  it('submits one job per (provision, cluster) pair, cluster jobs first: K8sEnable overrides --auto-cluster per row', () => {
    const rows = rowsOf(
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
      osProfile: 'microvisor-nonrt',
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
            osProfile: 'ubuntu-22.04-lts-generic',
            template: 'baseline:v2.0.2',
            cluster: { name: 'plant-c', labels: { env: 'prod' } },
          },
        ],
      ],
      [
        { osProfile: 'microvisor-nonrt', autoProvision: true, autoCluster: false, atomic: true },
        [5],
        [{ serial: 'D', osProfile: 'microvisor-nonrt' }],
      ],
      [{ autoProvision: false, autoCluster: false, atomic: true }, [2], [{ serial: 'A' }]],
    ]);
  });

  it('splits big groups into jobs of at most maxHosts rows', () => {
    const rows = rowsOf(...Array.from({ length: 5 }, (_, i) => line({ Serial: `S${i}` })));
    expect(computeHostImportJobs(rows, NO_FLAGS, 2).jobs.map((j) => j.rows.map((r) => r.line))).toEqual([[2, 3], [4, 5], [6]]);
  });

  it('names the rows that lack an OS profile or template, or set cluster columns without a cluster', () => {
    const rows = rowsOf(
      line({ Serial: 'A', K8sEnable: 'true' }),
      line({ Serial: 'B', K8sClusterTemplate: 'baseline-k3s:v0.0.4' }),
      line({ Serial: 'C', K8sEnable: 'false', K8sConfig: 'name:x' }),
    );
    expect(computeHostImportJobs(rows, NO_FLAGS, 50_000).errors.map(formatHostCsvError)).toEqual([
      'line 2, column OSProfile: is empty and no --os-profile was given; this row is provisioned because it gets a cluster (K8sEnable is true)',
      'line 2, column K8sClusterTemplate: is empty and no --template was given; this row gets a cluster because K8sEnable is true',
      'line 3, column K8sClusterTemplate: is set but this row gets no cluster (K8sEnable is empty and --auto-cluster was not given); set K8sEnable to true or clear K8sClusterTemplate',
      'line 4, column K8sConfig: is set but this row gets no cluster (K8sEnable is false); set K8sEnable to true or clear K8sConfig',
    ]);
    expect(
      computeHostImportJobs(rowsOf(line({ Serial: 'A' })), { ...NO_FLAGS, autoProvision: true }, 50_000).errors.map(formatHostCsvError),
    ).toEqual([
      'line 2, column OSProfile: is empty and no --os-profile was given; this row is provisioned because --auto-provision was given',
    ]);
  });

  it('names both lines when two rows would create clusters of the same name', () => {
    const rows = rowsOf(line({ Serial: 'A', K8sConfig: 'name:host-b-cluster' }), line({ Serial: 'B' }));
    const options = { ...NO_FLAGS, osProfile: 'p', template: { name: 't', version: 'v1.0.0' }, autoCluster: true };
    expect(computeHostImportJobs(rows, options, 50_000).errors.map(formatHostCsvError)).toEqual([
      'line 3, column K8sConfig: cluster name host-b-cluster is also used on line 2; give each cluster its own name:…',
    ]);
  });
});

describe('writeFailedRowsCsv', () => {
  it('writes the failed rows as written, with the step and reason in the error column, ready to import again', () => {
    const text = `\uFEFF${HEADER}\r\n${line({ Serial: 'A', Metadata: 'zone=a&rack=7' })}\r\n${line({ Serial: 'B', K8sConfig: 'role:all;name:b' })}\r\n`;
    const { rows } = parseHostCsv(text);
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
    const again = parseHostCsv(out);
    expect(again.errors).toEqual([]);
    expect(again.rows.map((r) => r.registration.serial)).toEqual(['B']);
  });
});
