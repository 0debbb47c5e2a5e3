/**
 * The EMF bulk-import CSV (DESIGN.md, Bulk CSV; docs/csv.md): read as a stream into registration rows with every
 * problem named by line and column, and the rows that failed written back with the failing step in the last
 * column, so the user can fix that file and import it again. host-import-jobs.ts splits the rows into jobs.
 */
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { createCsvTextDecoder } from './csv-text-decoder.ts';
import {
  createBoundedProblems,
  createHostCsvNotes,
  ERROR_COLUMN,
  HOST_CSV_COLUMNS,
  MAX_LISTED_PROBLEMS,
  REQUIRED_COLUMNS,
  UNUSED_COLUMNS,
  type HostCsvColumn,
  type HostCsvError,
  type HostCsvNote,
  type HostCsvNotes,
  type HostCsvRow,
} from './host-csv-format.ts';
import { parseRow, type RowContext } from './host-csv-row.ts';

export interface HostCsv {
  rows: HostCsvRow[];
  /** The file's problems in line order, at most `maxListedProblems`; `rows` holds only the rows without problems. */
  errors: HostCsvError[];
  /** Every problem, listed or not. */
  errorCount: number;
  /** Where edge-orch reads this file differently from orch-cli. */
  notes: HostCsvNote[];
  /** Unused columns (UNUSED_COLUMNS) that some row fills. */
  unusedColumnsFilled: HostCsvColumn[];
}

export interface ReadHostCsvOptions {
  maxListedProblems?: number;
  /** Called with each valid row; when given, rows are not kept (`rows` stays empty), so memory does not grow with them. */
  onRow?: (row: HostCsvRow) => void;
}

const EXPECTED_HEADER = HOST_CSV_COLUMNS.join(',');
const HEADER_NOTE = `the header is not orch-cli's (${EXPECTED_HEADER}): edge-orch reads the columns by their names, orch-cli by their positions, so orch-cli would read this file's cells into other columns`;

/**
 * Reads the file chunk by chunk (bytes as read from disk, or text). Never throws for bad content: every problem
 * (encoding, header, quoting, field counts, cell syntax, the same UUID or serial or derived host name twice) is
 * returned in `errors` with its line.
 */
export async function readHostCsv(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  { maxListedProblems = MAX_LISTED_PROBLEMS, onRow }: ReadHostCsvOptions = {},
): Promise<HostCsv> {
  const problems = createBoundedProblems(maxListedProblems);
  const notes = createHostCsvNotes();
  const rows: HostCsvRow[] = [];
  const filled = new Set<HostCsvColumn>();
  let rowCount = 0;
  let context: RowContext | null = null;
  let headerBroken = false;
  let lastLine = 0;
  const pending = createNonBlankLines();

  function onRecord(fields: string[], lines: number): void {
    const line = lines - fields.reduce((n, f) => n + countNewlines(f), 0);
    lastLine = lines;
    if (fields.every((f) => f.trim() === '')) return; // a row of empty cells, as spreadsheets leave behind
    if (context === null && !headerBroken) {
      const header = parseHeader(fields, line, problems.add, notes);
      headerBroken = header === null;
      if (header) context = { header, firstLineOf: { uuid: new Map(), serial: new Map(), name: new Map() }, problem: problems.add, notes };
      return;
    }
    if (context === null) return;
    const row = parseRow(fields, line, context);
    if (!row) return;
    rowCount++;
    for (const column of UNUSED_COLUMNS) if (row.cells[column].trim()) filled.add(column);
    if (onRow) onRow(row);
    else rows.push(row);
  }

  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[], info: { lines: number }) => {
      onRecord(record, info.lines);
      return null;
    },
  });
  let failure: unknown = null;
  const finished = new Promise<void>((resolve) => {
    parser.on('error', (error) => {
      failure ??= error;
      resolve();
    });
    parser.on('end', resolve);
  });
  parser.resume();

  const decoder = createCsvTextDecoder();
  const encoder = new TextEncoder();
  const feed = (text: string): void => {
    pending.scan(text);
    parser.write(text);
    pending.forgetThrough(lastLine);
  };
  for await (const chunk of chunks) {
    const text = decoder.decode(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    if (typeof text !== 'string') return onlyProblem({ line: text.line, column: null, message: text.message });
    if (failure) break;
    feed(text);
  }
  const rest = decoder.end();
  if (typeof rest !== 'string') return onlyProblem({ line: rest.line, column: null, message: rest.message });
  if (!failure) {
    feed(rest);
    parser.end();
  }
  await finished;

  if (failure) {
    if (!(failure instanceof CsvError)) throw failure;
    const line = failure.code === 'CSV_QUOTE_NOT_CLOSED' ? pending.firstAfter(lastLine) : (failure as CsvError & { lines: number }).lines;
    return onlyProblem({
      line,
      column: null,
      message: QUOTING_PROBLEMS[failure.code] ?? `the file cannot be read as CSV: ${failure.message}`,
    });
  }
  if (context === null && !headerBroken) {
    problems.add({
      line: 1,
      column: null,
      message: `the file is empty; expected the header line ${EXPECTED_HEADER} and one line per host`,
    });
  } else if (context !== null && rowCount === 0 && problems.count() === 0) {
    problems.add({
      line: lastLine,
      column: null,
      message: 'the file has a header but no host rows; add one line per host below the header',
    });
  }
  return { rows, errors: problems.listed, errorCount: problems.count(), notes: notes.list(), unusedColumnsFilled: [...filled] };

  function onlyProblem(problem: HostCsvError): HostCsv {
    parser.destroy();
    return { rows: [], errors: [problem], errorCount: 1, notes: [], unusedColumnsFilled: [] };
  }
}

/** The whole file as text: for tests, and files already in memory. */
export const parseHostCsv = (text: string, options?: ReadHostCsvOptions): Promise<HostCsv> => readHostCsv([text], options);

function countNewlines(text: string, n = 0): number {
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The non-blank lines not yet part of a record, to say where an unclosed quote opened: csv-parse reports only
 * the end of the file. Lines of finished records are forgotten, so this holds at most a chunk's worth.
 */
function createNonBlankLines() {
  let line = 1;
  let lines: number[] = [];
  return {
    scan(text: string): void {
      let start = 0;
      for (let end = text.indexOf('\n'); ; end = text.indexOf('\n', start)) {
        const piece = text.slice(start, end === -1 ? undefined : end);
        if (piece.trim() !== '' && lines.at(-1) !== line) lines.push(line);
        if (end === -1) return;
        line++;
        start = end + 1;
      }
    },
    forgetThrough(last: number): void {
      if (lines.length > 0 && lines[0]! <= last) lines = lines.filter((l) => l > last);
    },
    firstAfter: (last: number): number => lines.find((l) => l > last) ?? last + 1,
  };
}

function parseHeader(fields: string[], line: number, problem: (p: HostCsvError) => void, notes: HostCsvNotes): HostCsvColumn[] | null {
  const known = new Set<string>(HOST_CSV_COLUMNS);
  const names = fields.map((f) => f.trim());
  const problems: string[] = [];
  names.forEach((name, i) => {
    if (name === '' && i === names.length - 1) return;
    if (!known.has(name)) {
      const near = HOST_CSV_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
      const there = HOST_CSV_COLUMNS[i];
      const hint = near
        ? ` (did you mean ${near}? column names are case-sensitive)`
        : there
          ? ` (orch-cli reads columns by position and would read this one as ${there})`
          : '';
      problems.push(`unknown column ${JSON.stringify(name)}${hint}`);
    } else if (names.indexOf(name) !== i) {
      problems.push(`column ${name} appears twice`);
    }
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) problems.push(`the header has no ${missing.join(' or ')} column (required: ${REQUIRED_COLUMNS.join(', ')})`);
  if (problems.length > 0) {
    problem({ line, column: null, message: `${problems.join('; ')}; expected the header ${EXPECTED_HEADER}` });
    return null;
  }
  const header = names.filter((n) => n !== '') as HostCsvColumn[];
  if (header.some((column, i) => HOST_CSV_COLUMNS[i] !== column)) notes.add('header', null, line, HEADER_NOTE);
  return header;
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
 * The failed rows as a CSV with orch-cli's header: the cells as the user wrote them, and in the last column
 * `<step>: <reason>`, so the file can be fixed and imported again (that error column is ignored on import).
 */
export function writeFailedRowsCsv(rows: readonly HostCsvRow[], failures: readonly HostCsvFailure[]): string {
  const byLine = new Map(failures.map((f) => [f.line, f]));
  const records = rows.flatMap((row) => {
    const failure = byLine.get(row.line);
    return failure ? [HOST_CSV_COLUMNS.map((c) => (c === ERROR_COLUMN ? `${failure.step}: ${failure.message}` : row.cells[c]))] : [];
  });
  return stringify([[...HOST_CSV_COLUMNS], ...records]);
}
