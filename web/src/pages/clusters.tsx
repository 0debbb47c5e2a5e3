/** Clusters with their phase and message (stale ones say why), template and K3s version, and how K3s gets there. */
import { Button, Group, Stack, Text } from '@mantine/core';
import { api, unwrap, type Cluster } from '../api/client.ts';
import { PagedTable, type Column } from '../paged-table.tsx';
import { Link, PageTitle, StatusBadge } from '../parts.tsx';
import { followLink } from '../router.ts';
import { useCan, useSession } from '../session.tsx';
import { usePagedList } from '../use-paged-list.ts';

const COLUMNS: Column<Cluster>[] = [
  { header: 'Name', cell: (c) => <Link href={`/clusters/${c.name}`}>{c.name}</Link> },
  {
    header: 'Phase',
    cell: (c) => (
      <Group gap={4}>
        <StatusBadge status={c.phase} />
        {c.stale && <StatusBadge status="stale" />}
      </Group>
    ),
  },
  {
    header: 'Message',
    cell: (c) => (
      <>
        {c.message}
        {c.staleReason && <Text size="sm">{c.staleReason.message}</Text>}
      </>
    ),
  },
  { header: 'Template', cell: (c) => `${c.template.name}:${c.template.version}` },
  { header: 'K3s', cell: (c) => c.kubernetesVersion },
  { header: 'Nodes', cell: (c) => c.nodes.length },
  { header: 'K3s from', cell: (c) => (c.airGapped ? 'image (air-gapped)' : 'download') },
];
const clusterKey = (c: Cluster) => c.name;

export default function Clusters() {
  const { project } = useSession();
  const canCreate = useCan('clusters:write');
  const clusters = usePagedList(
    (cursor, signal) =>
      unwrap(
        api.GET('/api/v1/projects/{project}/clusters', {
          params: { path: { project }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
    [project],
  );
  return (
    <Stack>
      <Group justify="space-between">
        <PageTitle>Clusters</PageTitle>
        {canCreate && (
          <Button component="a" href="/new-cluster" onClick={followLink}>
            Create cluster
          </Button>
        )}
      </Group>
      <PagedTable<Cluster>
        list={clusters}
        rows={clusters.data?.items}
        label="Clusters"
        noun="clusters"
        rowKey={clusterKey}
        columns={COLUMNS}
      />
    </Stack>
  );
}
