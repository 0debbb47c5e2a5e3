/** Pieces every page uses: the page heading, a status badge, an error box, a link that navigates in place. */
import { Alert, Anchor, Badge, Table, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { followLink } from './router.ts';

export const PageTitle = ({ children }: { children: ReactNode }) => (
  <Title order={1} size="h2" mb="md">
    {children}
  </Title>
);

const COLORS: Record<string, string> = {
  succeeded: 'green',
  ready: 'green',
  running: 'blue',
  rolling: 'blue',
  moving: 'blue',
  done: 'green',
  provisioned: 'teal',
  onboarded: 'teal',
  registered: 'gray',
  pending: 'gray',
  provisioning: 'blue',
  failed: 'red',
  error: 'red',
  skipped: 'yellow',
  compensated: 'orange',
  deleting: 'orange',
  degraded: 'orange',
  stale: 'orange',
  'waiting-for-nodes': 'gray',
  eligible: 'green',
  ineligible: 'gray',
};

/** Dark text on a light badge keeps the contrast at AA whatever the color. */
export const StatusBadge = ({ status }: { status: string }) => (
  <Badge color={COLORS[status] ?? 'gray'} variant="light" c="dark.8">
    {status}
  </Badge>
);

export const ErrorAlert = ({ error, title = 'The request failed' }: { error: string | null; title?: string }) =>
  error ? (
    <Alert color="red" title={title} role="alert" mb="md">
      {error}
    </Alert>
  ) : null;

export const Link = ({ href, children }: { href: string; children: ReactNode }) => (
  <Anchor href={href} onClick={followLink}>
    {children}
  </Anchor>
);

/** Rows of a details table: a label heading each row, and its value. */
export function LabelledRows({ rows }: { rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <>
      {rows.map(([label, value]) => (
        <Table.Tr key={label}>
          <Table.Th scope="row">{label}</Table.Th>
          <Table.Td>{value}</Table.Td>
        </Table.Tr>
      ))}
    </>
  );
}
