/** The table of a server-paged list: what the page holds (a live status line), the rows, Previous and Next. */
import { Button, Group, Table, Text } from '@mantine/core';
import { memo, type ReactNode } from 'react';
import { ErrorAlert } from './parts.tsx';
import type { CursorPage, PagedList } from './use-paged-list.ts';
import './paged-table.css';

export interface Column<T> {
  header: string;
  cell: (item: T) => ReactNode;
}

interface RowsProps<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (item: T) => string;
  rowProps?: ((item: T) => Record<string, string | undefined>) | undefined;
}

/**
 * The body as plain rows and cells (styled by paged-table.css from the table's own variables), and redrawn only
 * when the rows or columns change: typing a filter redraws the filter, not the page it replaces. Pages keep their
 * columns and key functions stable (module constants, or memoized when they depend on state).
 */
function RowsOf<T>({ rows, columns, rowKey, rowProps }: RowsProps<T>) {
  return (
    <tbody className="paged-rows">
      {rows.map((item) => (
        <tr key={rowKey(item)} {...rowProps?.(item)}>
          {columns.map((c) => (
            <td key={c.header}>{c.cell(item)}</td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}
const Rows = memo(RowsOf) as typeof RowsOf;

const NO_ROWS: never[] = [];

export function PagedTable<T>({
  list,
  label,
  noun,
  testId,
  rows,
  ...body
}: {
  list: PagedList<CursorPage<unknown>>;
  /** The table's accessible name. */
  label: string;
  /** What a row is, plural: "hosts", "events". */
  noun: string;
  testId?: string;
  /** The rows of the page (usually its items; undefined until it loads). */
  rows: T[] | undefined;
} & Omit<RowsProps<T>, 'rows'>) {
  const shown = rows ?? NO_ROWS;
  return (
    <>
      <ErrorAlert error={list.error} />
      <Text size="sm" role="status" data-testid={testId}>
        {list.loading ? 'Loading…' : `Page ${list.page}: ${shown.length} ${noun}${list.data?.nextCursor ? ', more on the next page' : ''}`}
      </Text>
      <Table aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {body.columns.map((c) => (
              <Table.Th key={c.header}>{c.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Rows rows={shown} {...body} />
      </Table>
      <Group>
        <Button variant="default" disabled={list.page === 1} onClick={list.previous}>
          Previous page
        </Button>
        <Button variant="default" disabled={!list.data?.nextCursor} onClick={list.next}>
          Next page
        </Button>
      </Group>
    </>
  );
}
