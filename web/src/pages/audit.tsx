/** The audit log (admins): every change asked of the API, newest first, paged by the server, filtered by actor and action. */
import { Group, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap, type AuditEvent } from '../api/client.ts';
import { PagedTable, type Column } from '../paged-table.tsx';
import { PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { usePagedList } from '../use-paged-list.ts';

const PAGE = 50;

const COLUMNS: Column<AuditEvent>[] = [
  { header: 'Time', cell: (event) => new Date(event.at).toLocaleString() },
  { header: 'Token', cell: (event) => `${event.actor.tokenName ?? '?'} (${event.actor.role ?? event.actor.kind})` },
  { header: 'Action', cell: (event) => event.action },
  {
    header: 'Target',
    cell: (event) =>
      Object.entries(event.target)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
  },
  {
    header: 'Result',
    cell: (event) => (
      <>
        <StatusBadge status={event.outcome} /> {event.status}
      </>
    ),
  },
];
const eventKey = (event: AuditEvent) => event.id;

export default function Audit() {
  const { project } = useSession();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const filter = { actor: actor.trim(), action: action.trim() };
  const events = usePagedList(
    (cursor, signal) =>
      unwrap(
        api.GET('/api/v1/projects/{project}/audit', {
          params: {
            path: { project },
            query: {
              limit: PAGE,
              ...(filter.actor ? { actor: filter.actor } : {}),
              ...(filter.action ? { action: filter.action } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
          signal,
        }),
      ),
    [project, filter.actor, filter.action],
  );
  return (
    <Stack>
      <PageTitle>Audit</PageTitle>
      <Group align="flex-end">
        <TextInput label="Token (name or id)" description="Who asked" value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
        <TextInput
          label="Action contains"
          description="approve, DELETE, /hosts…"
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
      </Group>
      <PagedTable<AuditEvent>
        list={events}
        rows={events.data?.items}
        label="Audit events"
        noun="events"
        testId="audit-status"
        rowKey={eventKey}
        columns={COLUMNS}
      />
    </Stack>
  );
}
