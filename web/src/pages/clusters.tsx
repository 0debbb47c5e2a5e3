/** Clusters with their phase and message, template and K3s version, and how K3s gets there. */
import { Button, Group, Stack, Table } from '@mantine/core';
import { api, unwrap } from '../api/client.ts';
import { usePager } from '../pager.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

export default function Clusters() {
  const { project } = useSession();
  const pager = usePager();
  const clusters = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/projects/{project}/clusters', {
          params: { path: { project }, query: { limit: 100, ...(pager.cursor ? { cursor: pager.cursor } : {}) } },
        }),
      ),
    [project, pager.cursor],
  );
  return (
    <Stack>
      <PageTitle>Clusters</PageTitle>
      <ErrorAlert error={clusters.error} />
      <Table striped aria-label="Clusters">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Phase</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th>Template</Table.Th>
            <Table.Th>K3s</Table.Th>
            <Table.Th>Nodes</Table.Th>
            <Table.Th>K3s from</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {clusters.data?.items.map((c) => (
            <Table.Tr key={c.name}>
              <Table.Td>
                <Link href={`/clusters/${c.name}`}>{c.name}</Link>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={c.phase} />
              </Table.Td>
              <Table.Td>{c.message}</Table.Td>
              <Table.Td>
                {c.template.name}:{c.template.version}
              </Table.Td>
              <Table.Td>{c.kubernetesVersion}</Table.Td>
              <Table.Td>{c.nodes.length}</Table.Td>
              <Table.Td>{c.airGapped ? 'image (air-gapped)' : 'download'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={pager.page === 1} onClick={pager.previous}>
          Previous page
        </Button>
        <Button variant="default" disabled={!clusters.data?.nextCursor} onClick={() => pager.next(clusters.data?.nextCursor ?? null)}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
