/** Hosts by state, clusters by phase, failed registrations, and how long the last registrations took. */
import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { CLUSTER_PHASES, HOST_STATES } from '../../../src/contract/ui-vocabulary.ts';
import { api, unwrap, type RegistrationJobSummary } from '../api/client.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

/** Counting stops here: the API pages and has no count, so a bigger number is shown as "500+". */
const COUNT_LIMIT = 500;

export default function Dashboard() {
  const { project } = useSession();
  const params = { path: { project } };
  const hosts = useLoad(
    () =>
      Promise.all(
        HOST_STATES.map(async (state) => {
          const page = await unwrap(
            api.GET('/api/v1/projects/{project}/hosts', { params: { ...params, query: { state, limit: COUNT_LIMIT } } }),
          );
          return { state, count: page.items.length, more: page.nextCursor !== null };
        }),
      ),
    [project],
  );
  const clusters = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/clusters', { params: { ...params, query: { limit: COUNT_LIMIT } } })),
    [project],
  );
  const jobs = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/registrations', { params: { ...params, query: { limit: 20 } } })),
    [project],
  );
  const phases = CLUSTER_PHASES.map((phase) => ({ phase, count: clusters.data?.items.filter((c) => c.phase === phase).length ?? 0 }));
  const failed = jobs.data?.items.filter((j) => j.totals.failed > 0) ?? [];
  return (
    <Stack>
      <PageTitle>Dashboard</PageTitle>
      <ErrorAlert error={hosts.error ?? clusters.error ?? jobs.error} />
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Hosts by state
          </Title>
          {hosts.data?.map(({ state, count, more }) => (
            <Group key={state} justify="space-between">
              <StatusBadge status={state} />
              <Text>{more ? `${count}+` : count}</Text>
            </Group>
          ))}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Clusters by phase
          </Title>
          {phases.map(({ phase, count }) => (
            <Group key={phase} justify="space-between">
              <StatusBadge status={phase} />
              <Text>{count}</Text>
            </Group>
          ))}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Registrations with failed hosts
          </Title>
          {failed.length === 0 && <Text>None among the last 20 jobs.</Text>}
          {failed.map((job) => (
            <Group key={job.id} justify="space-between">
              <Link href={`/registrations/${job.id}`}>{job.id}</Link>
              <Text>
                {job.totals.failed} of {job.totals.hosts} failed
              </Text>
            </Group>
          ))}
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Registration to done, last 20 jobs (seconds)
        </Title>
        <DurationChart jobs={jobs.data?.items ?? []} />
      </Card>
    </Stack>
  );
}

/** One bar per finished job: from the job's creation to its last host's end. */
function DurationChart({ jobs }: { jobs: RegistrationJobSummary[] }) {
  const finished = jobs
    .filter((j) => j.finishedAt)
    .map((j) => ({ id: j.id, hosts: j.totals.hosts, seconds: (Date.parse(j.finishedAt!) - Date.parse(j.createdAt)) / 1000 }))
    .reverse();
  if (finished.length === 0) return <Text>No finished registration yet.</Text>;
  const max = Math.max(...finished.map((j) => j.seconds), 0.001);
  return (
    <>
      <svg width="100%" height="140" role="img" aria-label="Seconds from registration to done, per job, oldest first">
        {finished.map((job, i) => {
          const height = Math.max(2, (job.seconds / max) * 110);
          return (
            <rect
              key={job.id}
              x={`${(i / finished.length) * 100}%`}
              y={120 - height}
              width={`${80 / finished.length}%`}
              height={height}
              fill="#1c7ed6"
            >
              <title>{`${job.id}: ${job.seconds.toFixed(1)} s for ${job.hosts} hosts`}</title>
            </rect>
          );
        })}
      </svg>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Job</Table.Th>
            <Table.Th>Hosts</Table.Th>
            <Table.Th>Seconds</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {finished.slice(-5).map((job) => (
            <Table.Tr key={job.id}>
              <Table.Td>{job.id}</Table.Td>
              <Table.Td>{job.hosts}</Table.Td>
              <Table.Td>{job.seconds.toFixed(1)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
