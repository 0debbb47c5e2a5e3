/**
 * One data row of the EMF bulk-import CSV checked cell by cell, as orch-cli's validator (internal/validator)
 * and its import (internal/cli/host.go) read it; where edge-orch reads a cell differently, it adds a note.
 */
import { checkLabels, DNS_LABEL, DNS_LABEL_FORM } from '../domain/fields.ts';
import { deriveHostName, parseHostRegistration, SERIAL, SITE, SITE_FORM, UUID, type HostRegistration } from '../domain/inventory/host.ts';
import { checkTemplateRef } from '../domain/inventory/template.ts';
import { parsedProblems, parsedValue, type Parsed } from '../domain/problem.ts';
import { STEP_NAMES } from '../domain/registration/registration-steps.ts';
import {
  ERROR_COLUMN,
  HOST_CSV_COLUMNS,
  type HostCsvCluster,
  type HostCsvColumn,
  type HostCsvError,
  type HostCsvNotes,
  type HostCsvRow,
} from './host-csv-format.ts';

const REMOTE_USER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const BOOLEAN = /^(true|false)$/i;
/** orch-cli's serial number: 5 to 20 letters and digits (validator.SNPATTERN). */
const ORCH_CLI_SERIAL = /^[A-Za-z0-9]{5,20}$/;
/** What edge-orch writes in the error column of a failed-rows file: `<step>: <reason>`. */
const FAILED_STEP = new RegExp(`^(${STEP_NAMES.join('|')}): `);

/** A cell's value, or what is wrong with it; the row records the problem against the cell's line and column. */
type CellReader<T> = (value: string) => Parsed<T, string>;

export type FirstLines = { uuid: Map<string, number>; serial: Map<string, number>; name: Map<string, number> };

/** What a row is checked against: the header, the file's earlier rows, and where problems and notes go. */
export interface RowContext {
  header: readonly HostCsvColumn[];
  firstLineOf: FirstLines;
  problem: (problem: HostCsvError) => void;
  notes: HostCsvNotes;
}

export const NOTES = {
  serial:
    'orch-cli refuses these serial numbers (it takes 5 to 20 letters and digits); edge-orch accepts letters, digits, ".", "_" and "-", up to 64 characters',
  k8sEnableCase:
    'K8sEnable is true in another case than "true": orch-cli creates a cluster only for exactly "true", edge-orch reads true in any case',
  site: "Site is kept as the host's site; edge-orch has no site resources, so it does not check that the site exists (orch-cli needs an existing site, by resource id or name, on every provisioned row)",
  failedStep:
    'the Error column holds the failure edge-orch wrote into a failed-rows file; edge-orch ignores it (orch-cli refuses any filled Error column)',
} as const;

/** Checks one row; returns it when every cell is valid, else records each problem and returns null. */
export function parseRow(fields: readonly string[], line: number, ctx: RowContext): HostCsvRow | null {
  const { header, notes } = ctx;
  const extra = fields.slice(header.length).filter((f) => f.trim() !== '');
  if (extra.length > 0) {
    ctx.problem({
      line,
      column: null,
      message: `has ${fields.length} fields, the header has ${header.length}; the fields after the last column (${extra.map((f) => JSON.stringify(f)).join(', ')}) belong to no column`,
    });
    return null;
  }
  // A row shorter than the header is padded with empty cells, as orch-cli does and its documentation invites.
  const cells = Object.fromEntries(HOST_CSV_COLUMNS.map((c) => [c, ''])) as Record<HostCsvColumn, string>;
  header.forEach((column, i) => {
    cells[column] = fields[i] ?? '';
  });
  let problems = 0;
  const fail = (column: HostCsvColumn, message: string): void => {
    problems++;
    ctx.problem({ line, column, message });
  };
  function read<T>(column: HostCsvColumn, reader: CellReader<T>): T | null {
    const value = cells[column].trim();
    if (value === '') return null;
    const cell = reader(value);
    if (cell.ok) return cell.value;
    for (const message of cell.problems) fail(column, message);
    return null;
  }

  const uuid = read('UUID', (v) =>
    UUID.test(v.toLowerCase())
      ? parsedValue(v.toLowerCase())
      : parsedProblems(`${JSON.stringify(v)} is not a UUID (expected 8-4-4-4-12 hex digits)`),
  );
  const serial = read('Serial', matching(SERIAL, 'a serial number (expected letters, digits, ".", "_", "-", at most 64 characters)'));
  if (serial !== null && !ORCH_CLI_SERIAL.test(serial)) notes.add('serial', 'Serial', line, NOTES.serial);
  if (cells.UUID.trim() === '' && cells.Serial.trim() === '') fail('Serial', 'a host needs a Serial or a UUID (or both); both are empty');
  else if (uuid !== null || serial !== null) {
    // Checked even when other cells are wrong, so a duplicate is named together with the row's other problems.
    const name = problems === 0 ? deriveHostName({ uuid, serial }) : null;
    const duplicate = findDuplicate({ uuid, serial, name }, line, ctx.firstLineOf);
    if (duplicate) fail(duplicate.column, duplicate.message);
  }
  const labels = read('Metadata', (v) => parsePairs(v, 'Metadata')) ?? {};
  const osProfile = read('OSProfile', (v) => parsedValue(v));
  read('Secure', parseBoolean);
  read(
    'RemoteUser',
    matching(REMOTE_USER, 'a user name or local account id (expected letters, digits, ".", "_", "-", at most 64 characters)'),
  );
  read('LVMSize', matching(/^\d{1,9}$/, 'a size (expected a whole number of GB, for example 100)'));
  read('CloudInitMeta', (v) => {
    const configName = matching(CONFIG_NAME, 'a custom config name (expected names of letters, digits, ".", "_", "-" joined by &)');
    const bad = v
      .split('&')
      .map((n) => configName(n.trim()))
      .find((name) => !name.ok);
    return bad ?? parsedValue(v);
  });
  const k8sEnable = read('K8sEnable', parseBoolean);
  if (k8sEnable === true && cells.K8sEnable.trim() !== 'true') notes.add('k8sEnableCase', 'K8sEnable', line, NOTES.k8sEnableCase);
  const template = read('K8sClusterTemplate', checkTemplateRef);
  const cluster = read('K8sConfig', parseK8sConfig);
  read(ERROR_COLUMN, checkErrorCell);
  if (FAILED_STEP.test(cells[ERROR_COLUMN].trim())) notes.add('failedStep', ERROR_COLUMN, line, NOTES.failedStep);
  if (problems > 0) return null;
  // The site is checked last and only on an otherwise valid row, as the file's problems have always been listed.
  const site = read('Site', (v) =>
    SITE.test(v) ? parsedValue(v) : parsedProblems(`${JSON.stringify(v)} is not valid; expected ${SITE_FORM}`),
  );
  if (problems > 0) return null;
  if (site !== null) notes.add('site', 'Site', line, NOTES.site);
  // Every cell the registration reads was checked above, so a problem here would be a bug, not a bad row.
  const registration: HostRegistration = parseHostRegistration({ uuid, serial, site, labels });
  return { line, cells, registration, osProfile, template, cluster, k8sEnable };
}

/**
 * The error column is for what a tool writes back. orch-cli refuses a file that fills it; so does edge-orch,
 * except for the `<step>: <reason>` it writes itself, so its failed-rows file can be fixed and imported again.
 */
const checkErrorCell: CellReader<string> = (value) => {
  if (FAILED_STEP.test(value)) return parsedValue(value);
  const shifted = /^(role|name|labels):/.test(value) && parseK8sConfig(value).ok;
  return parsedProblems(
    `is filled (${JSON.stringify(value)}) but is only for the failures a tool writes back; orch-cli refuses such a row too. ` +
      (shifted
        ? 'It looks like a K8sConfig one column too far to the right: remove one comma before it'
        : 'If the row is shifted, a comma too many earlier in the row moved its cells to the right; otherwise clear the cell'),
  );
};

/** The same uuid, serial or derived host name on two lines: names both. */
function findDuplicate(
  { uuid, serial, name }: { uuid: string | null; serial: string | null; name: string | null },
  line: number,
  firstLineOf: FirstLines,
): { column: HostCsvColumn; message: string } | null {
  const uuidLine = uuid === null ? undefined : firstLineOf.uuid.get(uuid);
  if (uuidLine !== undefined) return { column: 'UUID', message: `UUID ${uuid} is also on line ${uuidLine}; each host may appear once` };
  const serialLine = serial === null ? undefined : firstLineOf.serial.get(serial);
  if (serialLine !== undefined)
    return { column: 'Serial', message: `Serial ${serial} is also on line ${serialLine}; each host may appear once` };
  const nameLine = name === null ? undefined : firstLineOf.name.get(name);
  if (nameLine !== undefined) {
    const rule = serial !== null ? 'host-<Serial, lowercased>' : 'host-<UUID, lowercased>';
    return {
      column: serial !== null ? 'Serial' : 'UUID',
      message: `the host name derived from it, ${name}, is also derived on line ${nameLine}; hosts are named ${rule}`,
    };
  }
  if (uuid !== null) firstLineOf.uuid.set(uuid, line);
  if (serial !== null) firstLineOf.serial.set(serial, line);
  if (name !== null) firstLineOf.name.set(name, line);
  return null;
}

const matching = (pattern: RegExp, what: string): CellReader<string> =>
  function check(value) {
    return pattern.test(value) ? parsedValue(value) : parsedProblems(`${JSON.stringify(value)} is not ${what}`);
  };

const parseBoolean: CellReader<boolean> = (value) =>
  BOOLEAN.test(value) ? parsedValue(value.toLowerCase() === 'true') : parsedProblems(`${JSON.stringify(value)} is not true or false`);

/** `k=v&k=v` → labels (Metadata, and the labels of K8sConfig). orch-cli drops a pair that is not k=v; edge-orch refuses it. */
function parsePairs(text: string, what: string): Parsed<Record<string, string>, string> {
  const pairs: Record<string, string> = {};
  for (const pair of text.split('&')) {
    const parts = pair.split('=');
    if (parts.length !== 2 || parts[0]!.trim() === '') {
      return parsedProblems(
        `${JSON.stringify(pair)} in ${JSON.stringify(text)} is not key=value (expected key=value pairs joined by &, for example zone=a&rack=7)`,
      );
    }
    const key = parts[0]!.trim();
    if (key in pairs) return parsedProblems(`${what} has key ${JSON.stringify(key)} twice`);
    pairs[key] = parts[1]!.trim();
  }
  const labels = checkLabels(pairs, what);
  return labels.ok ? labels : parsedProblems(...labels.problems.map((p) => p.message));
}

const K8S_CONFIG_KEYS = ['role', 'name', 'labels'];

/**
 * `role:all;name:X;labels:k=v&k=v`, in any order. Role all (or none) makes the row's host its own single-node
 * cluster; controlplane or worker joins the existing cluster X, whose name is then required.
 */
export function parseK8sConfig(text: string): Parsed<HostCsvCluster, string> {
  const seen = new Set<string>();
  const cluster: HostCsvCluster = { name: null, labels: {} };
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const colon = part.indexOf(':');
    const key = colon === -1 ? part : part.slice(0, colon).trim();
    const value = colon === -1 ? '' : part.slice(colon + 1).trim();
    if (!K8S_CONFIG_KEYS.includes(key) || colon === -1) {
      return parsedProblems(
        `${JSON.stringify(part)} is not one of ${K8S_CONFIG_KEYS.map((k) => `${k}:…`).join(', ')} (expected role:all;name:X;labels:k=v&k=v)`,
      );
    }
    if (seen.has(key)) return parsedProblems(`${key} is given twice in ${JSON.stringify(text)}`);
    seen.add(key);
    if (key === 'role' && value !== 'all') {
      if (value !== 'controlplane' && value !== 'worker')
        return parsedProblems(`role ${JSON.stringify(value)} is not a role; expected all, controlplane or worker`);
      cluster.role = value;
    }
    if (key === 'name') {
      if (!DNS_LABEL.test(value)) return parsedProblems(`cluster name ${JSON.stringify(value)} is not valid (expected ${DNS_LABEL_FORM})`);
      cluster.name = value;
    }
    if (key === 'labels' && value !== '') {
      const labels = parsePairs(value, 'K8sConfig labels');
      if (!labels.ok) return labels;
      cluster.labels = labels.value;
    }
  }
  if (cluster.role && cluster.name === null)
    return parsedProblems(`role ${cluster.role} joins an existing cluster: give its name (role:${cluster.role};name:X)`);
  return parsedValue(cluster);
}
