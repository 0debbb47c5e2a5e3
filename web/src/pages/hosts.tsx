/** Hosts, filtered and paged by the server (fast at 100,000 hosts): name prefix, state, site. */
import { Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { HOST_STATES } from '../../../src/contract/ui-vocabulary.ts';
import { api, unwrap } from '../api/client.ts';
import { usePager } from '../pager.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

const PAGE = 50;

export default function Hosts() {
  const { project } = useSession();
  const [namePrefix, setNamePrefix] = useState('');
  const [site, setSite] = useState('');
  const [state, setState] = useState<string | null>(null);
  const pager = usePager();
  // Each change asks the server at once; an answer to an older filter is dropped (useLoad keeps the newest).
  const filter = { namePrefix: namePrefix.trim(), site: site.trim(), state };
  const hosts = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/projects/{project}/hosts', {
          params: {
            path: { project },
            query: {
              limit: PAGE,
              ...(filter.namePrefix ? { namePrefix: filter.namePrefix } : {}),
              ...(filter.site ? { site: filter.site } : {}),
              ...(filter.state ? { state: filter.state as (typeof HOST_STATES)[number] } : {}),
              ...(pager.cursor ? { cursor: pager.cursor } : {}),
            },
          },
        }),
      ),
    [project, filter.namePrefix, filter.site, filter.state, pager.cursor],
  );
  const change = (set: (v: string) => void) => (value: string) => {
    set(value);
    pager.reset();
  };
  return (
    <Stack>
      <PageTitle>Hosts</PageTitle>
      <Group align="flex-end">
        <TextInput label="Name starts with" value={namePrefix} onChange={(e) => change(setNamePrefix)(e.currentTarget.value)} />
        <TextInput label="Site" value={site} onChange={(e) => change(setSite)(e.currentTarget.value)} />
        <Select
          label="State"
          data={[...HOST_STATES]}
          value={state}
          onChange={(v) => change((x) => setState(x || null))(v ?? '')}
          clearable
        />
      </Group>
      <ErrorAlert error={hosts.error} />
      <Text size="sm" role="status" data-testid="hosts-status">
        {hosts.loading
          ? 'Loading…'
          : `Page ${pager.page}: ${hosts.data?.items.length ?? 0} hosts${hosts.data?.nextCursor ? ', more on the next page' : ''}`}
      </Text>
      <Table striped aria-label="Hosts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Serial</Table.Th>
            <Table.Th>UUID</Table.Th>
            <Table.Th>Site</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {hosts.data?.items.map((host) => (
            <Table.Tr key={host.id}>
              <Table.Td>
                <Link href={`/hosts/${host.id}`}>{host.name}</Link>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={host.state} />
              </Table.Td>
              <Table.Td>{host.serial}</Table.Td>
              <Table.Td>{host.uuid}</Table.Td>
              <Table.Td>{host.site}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={pager.page === 1} onClick={pager.previous}>
          Previous page
        </Button>
        <Button variant="default" disabled={!hosts.data?.nextCursor} onClick={() => pager.next(hosts.data?.nextCursor ?? null)}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
