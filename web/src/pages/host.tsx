/** One host: identity, state, labels, and the cluster it is a node of. */
import { Badge, Card, Group, Stack, Table, Text } from '@mantine/core';
import { api, unwrap } from '../api/client.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

export default function HostDetails({ params: [id = ''] }: { params: string[] }) {
  const { project } = useSession();
  const host = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/hosts/{host}', { params: { path: { project, host: id } } })),
    [project, id],
  );
  const clusters = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/clusters', { params: { path: { project }, query: { limit: 500 } } })),
    [project],
  );
  const hostId = host.data?.id;
  const memberships = (clusters.data?.items ?? []).flatMap((c) =>
    c.nodes.filter((n) => n.hostId === hostId).map((n) => ({ cluster: c, role: n.role })),
  );
  return (
    <Stack>
      <PageTitle>Host {host.data?.name ?? id}</PageTitle>
      <ErrorAlert error={host.error ?? clusters.error} />
      {host.data && (
        <Card withBorder maw={800}>
          <Table aria-label="Host">
            <Table.Tbody>
              {(
                [
                  ['Id', host.data.id],
                  ['State', <StatusBadge key="s" status={host.data.state} />],
                  ['Serial', host.data.serial],
                  ['UUID', host.data.uuid],
                  ['Site', host.data.site],
                  ['Registered', new Date(host.data.createdAt).toLocaleString()],
                  ['Updated', new Date(host.data.updatedAt).toLocaleString()],
                ] as const
              ).map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th scope="row">{label}</Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Th scope="row">Labels</Table.Th>
                <Table.Td>
                  <Group gap={4}>
                    {Object.entries(host.data.labels).map(([k, v]) => (
                      <Badge key={k} variant="outline" c="dark.8">
                        {k}={v}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Cluster</Table.Th>
                <Table.Td>
                  {memberships.length === 0 ? (
                    <Text size="sm">none</Text>
                  ) : (
                    memberships.map(({ cluster, role }) => (
                      <Text key={cluster.name} size="sm">
                        <Link href={`/clusters/${cluster.name}`}>{cluster.name}</Link> ({role}, K3s {cluster.kubernetesVersion})
                      </Text>
                    ))
                  )}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}
