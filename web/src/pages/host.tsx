/** One host: identity, state, labels, the cluster it is a node of, and its agent's last report. */
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { api, unwrap } from '../api/client.ts';
import { ErrorAlert, LabelledRows, Link, PageTitle, StatusBadge } from '../parts.tsx';
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
  const report = useLoad(
    async () =>
      (await unwrap(api.GET('/api/v1/projects/{project}/hosts/{host}/report', { params: { path: { project, host: id } } }))).report,
    [project, id],
  );
  const hostId = host.data?.id;
  const memberships = (clusters.data?.items ?? []).flatMap((c) =>
    c.nodes.filter((n) => n.hostId === hostId).map((n) => ({ cluster: c, role: n.role })),
  );
  return (
    <Stack>
      <PageTitle>Host {host.data?.name ?? id}</PageTitle>
      <ErrorAlert error={host.error ?? clusters.error ?? report.error} />
      {host.data && (
        <Card withBorder maw={800}>
          <Table aria-label="Host">
            <Table.Tbody>
              <LabelledRows
                rows={[
                  ['Id', host.data.id],
                  ['State', <StatusBadge key="s" status={host.data.state} />],
                  ['Serial', host.data.serial],
                  ['UUID', host.data.uuid],
                  ['Site', host.data.site],
                  ['Registered', new Date(host.data.createdAt).toLocaleString()],
                  ['Updated', new Date(host.data.updatedAt).toLocaleString()],
                ]}
              />
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
      {report.data !== undefined && (
        <Card withBorder maw={800}>
          <Title order={2} size="h4" mb="xs">
            Agent's last report
          </Title>
          {report.data === null ? (
            <Text size="sm">No report yet: the agent has not reported since the host was registered.</Text>
          ) : (
            <Table aria-label="Agent's last report">
              <Table.Tbody>
                <LabelledRows
                  rows={[
                    ['Last seen', new Date(report.data.reportedAt).toLocaleString()],
                    ['Cluster phase', report.data.cluster ? <StatusBadge key="p" status={report.data.cluster.phase} /> : 'no cluster'],
                    ['Cluster message', report.data.cluster?.message || '—'],
                    ['OS image', report.data.image ? `${report.data.image.name} ${report.data.image.version}` : 'no image manifest'],
                    [
                      'Embedded Kubernetes',
                      report.data.kubernetes ? `${report.data.kubernetes.flavor} ${report.data.kubernetes.version}` : 'none',
                    ],
                  ]}
                />
              </Table.Tbody>
            </Table>
          )}
        </Card>
      )}
    </Stack>
  );
}
