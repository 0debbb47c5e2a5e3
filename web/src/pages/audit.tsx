/** The audit log (admins): every change asked of the API, newest first, paged by the server, filtered by actor and action. */
import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap } from '../api/client.ts';
import { usePager } from '../pager.ts';
import { ErrorAlert, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

const PAGE = 50;

export default function Audit() {
  const { project } = useSession();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const pager = usePager();
  const filter = { actor: actor.trim(), action: action.trim() };
  const events = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/projects/{project}/audit', {
          params: {
            path: { project },
            query: {
              limit: PAGE,
              ...(filter.actor ? { actor: filter.actor } : {}),
              ...(filter.action ? { action: filter.action } : {}),
              ...(pager.cursor ? { cursor: pager.cursor } : {}),
            },
          },
        }),
      ),
    [project, filter.actor, filter.action, pager.cursor],
  );
  const change = (set: (v: string) => void) => (value: string) => {
    set(value);
    pager.reset();
  };
  return (
    <Stack>
      <PageTitle>Audit</PageTitle>
      <Group align="flex-end">
        <TextInput
          label="Token (name or id)"
          description="Who asked"
          value={actor}
          onChange={(e) => change(setActor)(e.currentTarget.value)}
        />
        <TextInput
          label="Action contains"
          description="approve, DELETE, /hosts…"
          value={action}
          onChange={(e) => change(setAction)(e.currentTarget.value)}
        />
      </Group>
      <ErrorAlert error={events.error} />
      <Text size="sm" role="status" data-testid="audit-status">
        {events.loading
          ? 'Loading…'
          : `Page ${pager.page}: ${events.data?.items.length ?? 0} events${events.data?.nextCursor ? ', more on the next page' : ''}`}
      </Text>
      <Table striped aria-label="Audit events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Token</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.data?.items.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td>{new Date(event.at).toLocaleString()}</Table.Td>
              <Table.Td>
                {event.actor.tokenName ?? '?'} ({event.actor.role ?? event.actor.kind})
              </Table.Td>
              <Table.Td>{event.action}</Table.Td>
              <Table.Td>
                {Object.entries(event.target)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </Table.Td>
              <Table.Td>
                <StatusBadge status={event.outcome} /> {event.status}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={pager.page === 1} onClick={pager.previous}>
          Previous page
        </Button>
        <Button variant="default" disabled={!events.data?.nextCursor} onClick={() => pager.next(events.data?.nextCursor ?? null)}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
