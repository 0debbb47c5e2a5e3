/** Registration jobs, newest first, each linking to its live progress. */
import { Stack } from '@mantine/core';
import { api, unwrap, type RegistrationJobSummary } from '../api/client.ts';
import { PagedTable, type Column } from '../paged-table.tsx';
import { Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { usePagedList } from '../use-paged-list.ts';

const COLUMNS: Column<RegistrationJobSummary>[] = [
  { header: 'Job', cell: (job) => <Link href={`/registrations/${job.id}`}>{job.id}</Link> },
  { header: 'Status', cell: (job) => <StatusBadge status={job.status} /> },
  { header: 'Hosts', cell: (job) => job.totals.hosts },
  { header: 'Succeeded', cell: (job) => job.totals.succeeded },
  { header: 'Failed', cell: (job) => job.totals.failed },
  {
    header: 'Options',
    cell: (job) =>
      [job.options.autoProvision && 'provision', job.options.autoCluster && 'cluster', job.options.atomic && 'atomic']
        .filter(Boolean)
        .join(', '),
  },
  { header: 'Created', cell: (job) => new Date(job.createdAt).toLocaleString() },
];
const jobKey = (job: RegistrationJobSummary) => job.id;

export default function Registrations() {
  const { project } = useSession();
  const jobs = usePagedList(
    (cursor, signal) =>
      unwrap(
        api.GET('/api/v1/projects/{project}/registrations', {
          params: { path: { project }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
    [project],
  );
  return (
    <Stack>
      <PageTitle>Registrations</PageTitle>
      <PagedTable<RegistrationJobSummary>
        list={jobs}
        rows={jobs.data?.items}
        label="Registration jobs"
        noun="jobs"
        rowKey={jobKey}
        columns={COLUMNS}
      />
    </Stack>
  );
}
