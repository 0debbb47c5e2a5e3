/**
 * The EMF bulk-import CSV's columns and what reading it yields: rows, problems by line and column (listed up to
 * a bound, then counted), and notes where edge-orch reads the file differently from orch-cli on purpose.
 */
import type { HostCsvColumn } from '../domain/registration/host-csv-columns.ts';
import type { HostRegistration } from '../domain/inventory/host.ts';
import type { TemplateRef } from '../domain/inventory/template.ts';
import type { TableProblem } from '../domain/problem.ts';

export { ERROR_COLUMN, HOST_CSV_COLUMNS, type HostCsvColumn } from '../domain/registration/host-csv-columns.ts';
/** A header must name these; every other column may be left out (its cells are then empty). */
export const REQUIRED_COLUMNS: readonly HostCsvColumn[] = ['Serial', 'UUID'];
/** EMF columns edge-orch checks but does not use: it has no secure boot, remote users, LVM or cloud-init. */
export const UNUSED_COLUMNS: readonly HostCsvColumn[] = ['Secure', 'RemoteUser', 'LVMSize', 'CloudInitMeta'];
/** Problems listed before the rest are only counted, so a broken million-row file neither floods nor fills memory. */
export const MAX_LISTED_PROBLEMS = 1000;

/** The cluster a row asks for in K8sConfig (`role:all;name:X;labels:k=v&k=v`). */
export interface HostCsvCluster {
  name: string | null;
  labels: Record<string, string>;
  /** controlplane or worker: the host joins the existing cluster `name`; absent: role all, its own cluster. */
  role?: 'controlplane' | 'worker';
}

/** One host row, checked. */
export interface HostCsvRow {
  /** 1-based line where the row starts in the file (the header is line 1 when nothing precedes it). */
  line: number;
  /** The cells as written, by column; a column the header leaves out, or a short row does not reach, is ''. */
  cells: Record<HostCsvColumn, string>;
  /** uuid, serial, site, Metadata as labels, and the name the server derives (host-<serial> or host-<uuid8>). */
  registration: HostRegistration;
  /** The OSProfile cell as written: a profile's name, display name or resource id (os-profile-ref.ts resolves it). */
  osProfile: string | null;
  template: TemplateRef | null;
  /** Set when K8sConfig is not empty. */
  cluster: HostCsvCluster | null;
  /** K8sEnable: true, false, or null when empty (the command's --auto-cluster decides). */
  k8sEnable: boolean | null;
}

/** A problem of the file, by line and column. */
export type HostCsvError = TableProblem<HostCsvColumn>;

/** Where edge-orch reads the file differently from orch-cli: the message, and the rows it concerns. */
export interface HostCsvNote {
  column: HostCsvColumn | null;
  message: string;
  /** The first lines it concerns (at most NOTE_LINES), and how many rows it concerns in all. */
  lines: number[];
  rows: number;
}

const NOTE_LINES = 5;

/** Notes by key, each counting its rows and keeping its first lines. */
export interface HostCsvNotes {
  add(key: string, column: HostCsvColumn | null, line: number, message: string): void;
  list(): HostCsvNote[];
}

export function createHostCsvNotes(): HostCsvNotes {
  const notes = new Map<string, HostCsvNote>();
  return {
    add(key, column, line, message) {
      const note = notes.get(key) ?? { column, message, lines: [], rows: 0 };
      notes.set(key, note);
      note.rows++;
      if (note.lines.length < NOTE_LINES) note.lines.push(line);
    },
    list: () => [...notes.values()],
  };
}

/** Problems kept up to a bound and counted beyond it. */
export interface BoundedProblems {
  add(problem: HostCsvError): void;
  /** The first `max` problems, in the order found. */
  readonly listed: HostCsvError[];
  /** Every problem, listed or not. */
  count(): number;
}

export function createBoundedProblems(max = MAX_LISTED_PROBLEMS): BoundedProblems {
  const listed: HostCsvError[] = [];
  let count = 0;
  return {
    add(problem) {
      count++;
      if (listed.length < max) listed.push(problem);
    },
    listed,
    count: () => count,
  };
}

/** `line 7, column UUID: "abc" is not a UUID (expected 8-4-4-4-12 hex digits)`. */
export function formatHostCsvError({ line, column, message }: HostCsvError): string {
  return `line ${line}${column ? `, column ${column}` : ''}: ${message}`;
}

/** `line 4, 9 and 12 (Serial): <message>`; past the first lines, `and N more rows`. */
export function formatHostCsvNote({ column, message, lines, rows }: HostCsvNote): string {
  const more = rows - lines.length;
  const where =
    more > 0 ? `${lines.join(', ')} and ${more} more row${more > 1 ? 's' : ''}` : lines.join(', ').replace(/, (\d+)$/, ' and $1');
  return `line${rows > 1 ? 's' : ''} ${where}${column ? ` (${column})` : ''}: ${message}`;
}
