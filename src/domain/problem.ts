/**
 * Problems as values. Validation that checks many fields or rows (a registration's hosts, an imported CSV) returns
 * every problem it finds as data, with the field, or the line and column, it is about; the caller decides how to
 * show them. An error that stops one operation outright (one bad argument) is still thrown as an `AppError`.
 */

/** One thing wrong with an input. */
export interface Problem {
  /** The field at fault, as a path inside the input: `hosts/3/serial`, `defaults/template`, `labels/zone`. */
  field: string;
  /** A sentence for humans that names the field and the value as given. */
  message: string;
}

/** One thing wrong with a table (an imported CSV file). */
export interface TableProblem<Column extends string = string> {
  /** 1-based line of the file where the row at fault starts. */
  line: number;
  /** The column at fault; null when the whole line is (field count, quoting, header). */
  column: Column | null;
  /** A sentence for humans about the cell's value; it does not repeat the line or column. */
  message: string;
}

/** What a parser that can find problems returns: the value, or every problem it found (at least one). */
export type Parsed<T, P = Problem> = { ok: true; value: T } | { ok: false; problems: P[] };

export const parsedValue = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const parsedProblems = <P>(...problems: P[]): { ok: false; problems: P[] } => ({ ok: false, problems });
