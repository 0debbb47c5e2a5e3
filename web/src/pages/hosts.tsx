/** Hosts, filtered and paged by the server (fast at 100,000 hosts): name prefix, state, site. */
import { Group, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { HOST_STATES } from '../../../src/contract/ui-vocabulary.ts';
import { api, unwrap, type Host } from '../api/client.ts';
import { PagedTable, type Column } from '../paged-table.tsx';
import { Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { usePagedList } from '../use-paged-list.ts';

const PAGE = 25;

const COLUMNS: Column<Host>[] = [
  { header: 'Name', cell: (h) => <Link href={`/hosts/${h.id}`}>{h.name}</Link> },
  { header: 'State', cell: (h) => <StatusBadge status={h.state} /> },
  { header: 'Serial', cell: (h) => h.serial },
  { header: 'UUID', cell: (h) => h.uuid },
  { header: 'Site', cell: (h) => h.site },
];
const hostKey = (h: Host) => h.id;

export default function Hosts() {
  const { project } = useSession();
  const [namePrefix, setNamePrefix] = useState('');
  const [site, setSite] = useState('');
  const [state, setState] = useState<(typeof HOST_STATES)[number] | null>(null);
  // Each change asks the server at once and cancels the request of the filter it replaces.
  const filter = { namePrefix: namePrefix.trim(), site: site.trim(), state };
  const hosts = usePagedList(
    (cursor, signal) =>
      unwrap(
        api.GET('/api/v1/projects/{project}/hosts', {
          params: {
            path: { project },
            query: {
              limit: PAGE,
              ...(filter.namePrefix ? { namePrefix: filter.namePrefix } : {}),
              ...(filter.site ? { site: filter.site } : {}),
              ...(filter.state ? { state: filter.state } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
          signal,
        }),
      ),
    [project, filter.namePrefix, filter.site, filter.state],
  );
  return (
    <Stack>
      <PageTitle>Hosts</PageTitle>
      <Group align="flex-end">
        <TextInput label="Name starts with" value={namePrefix} onChange={(e) => setNamePrefix(e.currentTarget.value)} />
        <TextInput label="Site" value={site} onChange={(e) => setSite(e.currentTarget.value)} />
        <Select
          label="State"
          data={[...HOST_STATES]}
          value={state}
          onChange={(v) => setState(HOST_STATES.find((s) => s === v) ?? null)}
          clearable
        />
      </Group>
      <PagedTable<Host>
        list={hosts}
        rows={hosts.data?.items}
        label="Hosts"
        noun="hosts"
        testId="hosts-status"
        rowKey={hostKey}
        columns={COLUMNS}
      />
    </Stack>
  );
}
