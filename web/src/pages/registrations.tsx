/** Registration jobs, newest first, each linking to its live progress. */
import { Button, Group, Stack, Table } from '@mantine/core';
import { api, unwrap } from '../api/client.ts';
import { usePager } from '../pager.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

export default function Registrations() {
  const { project } = useSession();
  const pager = usePager();
  const jobs = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/projects/{project}/registrations', {
          params: { path: { project }, query: { limit: 50, ...(pager.cursor ? { cursor: pager.cursor } : {}) } },
        }),
      ),
    [project, pager.cursor],
  );
  return (
    <Stack>
      <PageTitle>Registrations</PageTitle>
      <ErrorAlert error={jobs.error} />
      <Table striped aria-label="Registration jobs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Job</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Hosts</Table.Th>
            <Table.Th>Succeeded</Table.Th>
            <Table.Th>Failed</Table.Th>
            <Table.Th>Options</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.data?.items.map((job) => (
            <Table.Tr key={job.id}>
              <Table.Td>
                <Link href={`/registrations/${job.id}`}>{job.id}</Link>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={job.status} />
              </Table.Td>
              <Table.Td>{job.totals.hosts}</Table.Td>
              <Table.Td>{job.totals.succeeded}</Table.Td>
              <Table.Td>{job.totals.failed}</Table.Td>
              <Table.Td>
                {[job.options.autoProvision && 'provision', job.options.autoCluster && 'cluster', job.options.atomic && 'atomic']
                  .filter(Boolean)
                  .join(', ')}
              </Table.Td>
              <Table.Td>{new Date(job.createdAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={pager.page === 1} onClick={pager.previous}>
          Previous page
        </Button>
        <Button variant="default" disabled={!jobs.data?.nextCursor} onClick={() => pager.next(jobs.data?.nextCursor ?? null)}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
