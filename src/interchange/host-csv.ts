/**
 * The EMF bulk-import CSV (DESIGN.md, Bulk CSV): parsing it into registration rows with every problem named by
 * line and column, and writing back the rows that failed with the failing step in the last column, so the user
 * can fix that file and import it again. host-import-jobs.ts splits the rows into registration jobs.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { checkLabels, DNS_LABEL, DNS_LABEL_FORM, DNS_SUBDOMAIN, DNS_SUBDOMAIN_FORM } from '../domain/fields.ts';
import { deriveHostName, parseHostRegistration, SERIAL, SITE, SITE_FORM, UUID, type HostRegistration } from '../domain/inventory/host.ts';
import { checkTemplateRef, type TemplateRef } from '../domain/inventory/template.ts';
import { parsedProblems, parsedValue, type Parsed, type TableProblem } from '../domain/problem.ts';

/** The EMF tool's header, in its order; the failed-rows file is written with exactly this header. */
export const HOST_CSV_COLUMNS = [
  'Serial',
  'UUID',
  'OSProfile',
  'Site',
  'Secure',
  'RemoteUser',
  'Metadata',
  'LVMSize',
  'CloudInitMeta',
  'K8sEnable',
  'K8sClusterTemplate',
  'K8sConfig',
  'Error - do not fill',
] as const;
export type HostCsvColumn = (typeof HOST_CSV_COLUMNS)[number];

export const ERROR_COLUMN: HostCsvColumn = 'Error - do not fill';
/** A header must name these; every other column may be left out (its cells are then empty). */
export const REQUIRED_COLUMNS: readonly HostCsvColumn[] = ['Serial', 'UUID'];
/** EMF columns edge-orch checks for syntax but does not use: it has no secure boot, remote users, LVM or cloud-init. */
export const UNUSED_COLUMNS: readonly HostCsvColumn[] = ['Secure', 'RemoteUser', 'LVMSize', 'CloudInitMeta'];

/** The cluster a row asks for in K8sConfig (`role:all;name:X;labels:k=v&k=v`). */
export interface HostCsvCluster {
  name: string | null;
  labels: Record<string, string>;
}

/** One host row, checked. */
export interface HostCsvRow {
  /** 1-based line where the row starts in the file (the header is line 1 when nothing precedes it). */
  line: number;
  /** The cells as written, by column; a column the header leaves out is ''. */
  cells: Record<HostCsvColumn, string>;
  /** uuid, serial, site, Metadata as labels, and the name the server derives (host-<serial> or host-<uuid8>). */
  registration: HostRegistration;
  osProfile: string | null;
  template: TemplateRef | null;
  /** Set when K8sConfig is not empty. */
  cluster: HostCsvCluster | null;
  /** K8sEnable: true, false, or null when empty (the command's --auto-cluster decides). */
  k8sEnable: boolean | null;
}

/** A problem of the file, by line and column. */
export type HostCsvError = TableProblem<HostCsvColumn>;

export interface HostCsv {
  rows: HostCsvRow[];
  /** Every problem of the file in line order; `rows` holds only the rows without problems. */
  errors: HostCsvError[];
  /** Unused columns (UNUSED_COLUMNS) that some row fills. */
  unusedColumnsFilled: HostCsvColumn[];
}

/** `line 7, column UUID: "abc" is not a UUID (expected 8-4-4-4-12 hex digits)`. */
export function formatHostCsvError({ line, column, message }: HostCsvError): string {
  return `line ${line}${column ? `, column ${column}` : ''}: ${message}`;
}

const EXPECTED_HEADER = HOST_CSV_COLUMNS.join(',');
const REMOTE_USER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const BOOLEAN = /^(true|false)$/i;

/** A cell's value, or what is wrong with it; the row records the problem against the cell's line and column. */
type CellReader<T> = (value: string) => Parsed<T, string>;

/**
 * Parses the whole file. Never throws for bad content: every problem (header, quoting, field counts, cell
 * syntax, the same UUID or serial or derived host name twice) is returned in `errors` with its line.
 */
export function parseHostCsv(text: string): HostCsv {
  // Quoted fields may hold line breaks; with CRLF turned into LF, csv-parse's line count is exact.
  const source = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n/g, '\n');
  const errors: HostCsvError[] = [];
  const rows: HostCsvRow[] = [];
  const filled = new Set<HostCsvColumn>();
  const firstLineOf = { uuid: new Map<string, number>(), serial: new Map<string, number>(), name: new Map<string, number>() };
  let header: HostCsvColumn[] | null = null;
  let headerBroken = false;
  let lastLine = 0;

  function onRecord(fields: string[], lines: number): void {
    const line = lines - fields.reduce((n, f) => n + countNewlines(f), 0);
    lastLine = lines;
    if (fields.every((f) => f.trim() === '')) return; // a row of empty cells, as spreadsheets leave behind
    if (header === null && !headerBroken) {
      header = parseHeader(fields, line, errors);
      headerBroken = header === null;
      return;
    }
    if (header === null) return;
    const row = parseRow(fields, line, header, errors, firstLineOf);
    if (row) rows.push(row);
    for (const column of UNUSED_COLUMNS) if (row?.cells[column].trim()) filled.add(column);
  }

  try {
    parse(source, {
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: { lines: number }) => {
        onRecord(record, context.lines);
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    errors.push({
      line: quotingErrorLine(error, source, lastLine),
      column: null,
      message: QUOTING_PROBLEMS[error.code] ?? `the file cannot be read as CSV: ${error.message}`,
    });
    return { rows: [], errors, unusedColumnsFilled: [] };
  }
  if (header === null && !headerBroken) {
    errors.push({ line: 1, column: null, message: `the file is empty; expected the header line ${EXPECTED_HEADER} and one line per host` });
  } else if (header !== null && rows.length === 0 && errors.length === 0) {
    errors.push({
      line: lastLine,
      column: null,
      message: 'the file has a header but no host rows; add one line per host below the header',
    });
  }
  return { rows, errors, unusedColumnsFilled: [...filled] };
}

function countNewlines(text: string, n = 0): number {
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function parseHeader(fields: string[], line: number, errors: HostCsvError[]): HostCsvColumn[] | null {
  const known = new Set<string>(HOST_CSV_COLUMNS);
  const names = fields.map((f) => f.trim());
  const problems: string[] = [];
  names.forEach((name, i) => {
    if (name === '' && i === names.length - 1) return;
    if (!known.has(name)) {
      const near = HOST_CSV_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
      problems.push(`unknown column ${JSON.stringify(name)}${near ? ` (did you mean ${near}? column names are case-sensitive)` : ''}`);
    } else if (names.indexOf(name) !== i) {
      problems.push(`column ${name} appears twice`);
    }
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) problems.push(`the header has no ${missing.join(' or ')} column (required: ${REQUIRED_COLUMNS.join(', ')})`);
  if (problems.length === 0) return names.filter((n) => n !== '') as HostCsvColumn[];
  errors.push({ line, column: null, message: `${problems.join('; ')}; expected the header ${EXPECTED_HEADER}` });
  return null;
}

type FirstLines = { uuid: Map<string, number>; serial: Map<string, number>; name: Map<string, number> };

function parseRow(
  fields: string[],
  line: number,
  header: HostCsvColumn[],
  errors: HostCsvError[],
  firstLineOf: FirstLines,
): HostCsvRow | null {
  const extra = fields.slice(header.length).filter((f) => f.trim() !== '');
  // The trailing error column may be left out; any other missing field would shift the columns after it.
  const tolerated = header[header.length - 1] === ERROR_COLUMN && fields.length === header.length - 1;
  if (extra.length > 0 || (fields.length < header.length && !tolerated)) {
    const detail =
      extra.length > 0
        ? `the fields after the last column (${extra.map((f) => JSON.stringify(f)).join(', ')}) belong to no column`
        : 'every row needs one field per header column (an empty field still needs its comma)';
    errors.push({ line, column: null, message: `has ${fields.length} fields, the header has ${header.length}; ${detail}` });
    return null;
  }
  const cells = Object.fromEntries(HOST_CSV_COLUMNS.map((c) => [c, ''])) as Record<HostCsvColumn, string>;
  header.forEach((column, i) => {
    cells[column] = fields[i] ?? '';
  });
  const errorsBefore = errors.length;
  function read<T>(column: HostCsvColumn, reader: CellReader<T>): T | null {
    const value = cells[column].trim();
    if (value === '') return null;
    const cell = reader(value);
    if (cell.ok) return cell.value;
    for (const message of cell.problems) errors.push({ line, column, message });
    return null;
  }

  const uuid = read('UUID', (v) =>
    UUID.test(v.toLowerCase())
      ? parsedValue(v.toLowerCase())
      : parsedProblems(`${JSON.stringify(v)} is not a UUID (expected 8-4-4-4-12 hex digits)`),
  );
  const serial = read('Serial', matching(SERIAL, 'a serial number (expected letters, digits, ".", "_", "-", at most 64 characters)'));
  if (cells.UUID.trim() === '' && cells.Serial.trim() === '')
    errors.push({ line, column: 'Serial', message: 'a host needs a Serial or a UUID (or both); both are empty' });
  else if (uuid !== null || serial !== null) {
    // Checked even when other cells are wrong, so a duplicate is named together with the row's other problems.
    const name = errors.length === errorsBefore ? deriveHostName({ uuid, serial }) : null;
    const duplicate = findDuplicate({ uuid, serial, name }, line, firstLineOf);
    if (duplicate) errors.push(duplicate);
  }
  const labels = read('Metadata', (v) => parsePairs(v, 'Metadata')) ?? {};
  const osProfile = read('OSProfile', matching(DNS_SUBDOMAIN, `an OS profile name (expected ${DNS_SUBDOMAIN_FORM})`));
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
  const template = read('K8sClusterTemplate', checkTemplateRef);
  const cluster = read('K8sConfig', parseK8sConfig);
  if (errors.length > errorsBefore) return null;
  // The site is checked last and only on an otherwise valid row, as the file's problems have always been listed.
  const site = read('Site', (v) =>
    SITE.test(v) ? parsedValue(v) : parsedProblems(`${JSON.stringify(v)} is not valid; expected ${SITE_FORM}`),
  );
  if (errors.length > errorsBefore) return null;
  // Every cell the registration reads was checked above, so a problem here would be a bug, not a bad row.
  const registration: HostRegistration = parseHostRegistration({ uuid, serial, site, labels });
  return { line, cells, registration, osProfile, template, cluster, k8sEnable };
}

/** The same uuid, serial or derived host name on two lines: names both. */
function findDuplicate(
  { uuid, serial, name }: { uuid: string | null; serial: string | null; name: string | null },
  line: number,
  firstLineOf: FirstLines,
): HostCsvError | null {
  const uuidLine = uuid === null ? undefined : firstLineOf.uuid.get(uuid);
  if (uuidLine !== undefined)
    return { line, column: 'UUID', message: `UUID ${uuid} is also on line ${uuidLine}; each host may appear once` };
  const serialLine = serial === null ? undefined : firstLineOf.serial.get(serial);
  if (serialLine !== undefined)
    return { line, column: 'Serial', message: `Serial ${serial} is also on line ${serialLine}; each host may appear once` };
  const nameLine = name === null ? undefined : firstLineOf.name.get(name);
  if (nameLine !== undefined) {
    const from = serial !== null ? 'Serial' : 'UUID';
    const rule = serial !== null ? 'host-<Serial, lowercased>' : 'host-<UUID, lowercased>';
    return {
      line,
      column: from,
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

/** `k=v&k=v` → labels (Metadata, and the labels of K8sConfig). */
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

/** `role:all;name:X;labels:k=v&k=v`; automatic clusters are single-node, so the only role is all. */
function parseK8sConfig(text: string): Parsed<HostCsvCluster, string> {
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
      return parsedProblems(
        value === 'controlplane' || value === 'worker'
          ? `role ${value} is not possible here: an automatically created cluster is single-node, so its host has role all`
          : `role ${JSON.stringify(value)} is not a role; the only role of an automatically created cluster is all`,
      );
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
  return parsedValue(cluster);
}

function quotingErrorLine(error: CsvError & { lines?: number }, source: string, lastRecordLine: number): number {
  if (error.code !== 'CSV_QUOTE_NOT_CLOSED' && typeof error.lines === 'number') return error.lines;
  // The unclosed quote opened in the record after the last complete one: skip the blank lines before it.
  const lines = source.split('\n');
  let line = lastRecordLine + 1;
  while (line < lines.length && lines[line - 1]!.trim() === '') line++;
  return line;
}

const QUOTING_PROBLEMS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field starts in this row and is never closed (a closing " is missing); nothing after it can be read',
  INVALID_OPENING_QUOTE:
    'a field has a " inside it but does not start with one; put the whole field in quotes and double the inner quote ("")',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field has text after its closing "; put the whole field in quotes and double any inner quote ("")',
};

/** Why a host failed: the step and the reason's message. */
export interface HostCsvFailure {
  line: number;
  step: string;
  message: string;
}

/**
 * The failed rows as a CSV with the EMF header: the cells as the user wrote them, and in the last column
 * `<step>: <reason>`, so the file can be fixed and imported again (the error column is ignored on import).
 */
export function writeFailedRowsCsv(rows: readonly HostCsvRow[], failures: readonly HostCsvFailure[]): string {
  const byLine = new Map(failures.map((f) => [f.line, f]));
  const records = rows.flatMap((row) => {
    const failure = byLine.get(row.line);
    return failure ? [HOST_CSV_COLUMNS.map((c) => (c === ERROR_COLUMN ? `${failure.step}: ${failure.message}` : row.cells[c]))] : [];
  });
  return stringify([[...HOST_CSV_COLUMNS], ...records]);
}
