/** The table of a server-paged list: what the page holds (a live status line), the rows, Previous and Next. */
import { Button, Group, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './parts.tsx';
import type { CursorPage, PagedList } from './use-paged-list.ts';

export interface Column<T> {
  header: string;
  cell: (item: T) => ReactNode;
}

export function PagedTable<T>({
  list,
  label,
  noun,
  columns,
  rowKey,
  rows,
  rowProps,
  testId,
}: {
  list: PagedList<CursorPage<unknown>>;
  /** The rows of the page (usually its items; undefined until it loads). */
  rows: T[] | undefined;
  /** The table's accessible name. */
  label: string;
  /** What a row is, plural: "hosts", "events". */
  noun: string;
  columns: Column<T>[];
  rowKey: (item: T) => string;
  rowProps?: (item: T) => Record<string, string | undefined>;
  testId?: string;
}) {
  const shown = rows ?? [];
  return (
    <>
      <ErrorAlert error={list.error} />
      <Text size="sm" role="status" data-testid={testId}>
        {list.loading ? 'Loading…' : `Page ${list.page}: ${shown.length} ${noun}${list.data?.nextCursor ? ', more on the next page' : ''}`}
      </Text>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.header}>{c.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((item) => (
            <Table.Tr key={rowKey(item)} {...rowProps?.(item)}>
              {columns.map((c) => (
                <Table.Td key={c.header}>{c.cell(item)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
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
