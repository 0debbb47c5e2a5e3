/**
 * kubectl-style output: `-o table` (default) prints columns, `-o json` and `-o yaml` print the API's objects.
 */
import Table from 'cli-table3';
import { stringify } from 'yaml';
import { invalidField } from '../../domain/errors.ts';
import { escapeControlCharactersInJson, stripControlCharactersInCell } from './terminal-text.ts';

export type OutputFormat = 'table' | 'json' | 'yaml';

export function parseOutputFormat(text: string): OutputFormat {
  if (text === 'table' || text === 'json' || text === 'yaml') return text;
  throw invalidField('output', `-o must be table, json or yaml, got ${JSON.stringify(text)}`);
}

export interface Column<T> {
  header: string;
  value(row: T): string | number | boolean | null | undefined;
}

/** A plain, borderless table like kubectl's. */
export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows)
    table.push(
      columns.map((c) => {
        const v = c.value(row);
        return v === null || v === undefined || v === '' ? '-' : stripControlCharactersInCell(String(v));
      }),
    );
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Prints `data` in the chosen format; for tables, `rows` and `columns` say what to show. */
export function renderOutput<T>(format: OutputFormat, data: unknown, rows: T[], columns: Column<T>[]): string {
  if (format === 'json') return escapeControlCharactersInJson(JSON.stringify(data, null, 2));
  if (format === 'yaml') return stringify(data).trimEnd();
  return rows.length === 0 ? 'No resources found.' : renderTable(rows, columns);
}
