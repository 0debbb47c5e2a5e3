/**
 * One cluster: nodes and roles, template, the K3s version, air-gapped or downloaded and why; delete (with force)
 * and the kubeconfig for the roles that may.
 */
import { Alert, Button, Card, Checkbox, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { api, errorText, tokenStorage, unwrap } from '../api/client.ts';
import { downloadText } from '../failed-rows-csv.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { navigate } from '../router.ts';
import { useCan, useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

export default function ClusterDetails({ params: [name = ''] }: { params: string[] }) {
  const { project } = useSession();
  const canOperate = useCan('clusters:write');
  const cluster = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/clusters/{name}', { params: { path: { project, name } } })),
    [project, name],
  );
  const [confirm, setConfirm] = useState(false);
  const [force, setForce] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    try {
      await unwrap(api.DELETE('/api/v1/projects/{project}/clusters/{name}', { params: { path: { project, name }, query: { force } } }));
      setConfirm(false);
      navigate('/clusters');
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function kubeconfig() {
    // The kubeconfig is YAML text, not JSON: read it with a plain fetch carrying the token.
    const response = await fetch(`/api/v1/projects/${encodeURIComponent(project)}/clusters/${encodeURIComponent(name)}/kubeconfig`, {
      headers: { authorization: `Bearer ${tokenStorage.get() ?? ''}` },
    });
    if (!response.ok) {
      const problem = (await response.json().catch(() => ({}))) as { detail?: string };
      setError(problem.detail ?? `the server answered ${response.status}`);
      return;
    }
    downloadText(`${name}.kubeconfig.yaml`, await response.text(), 'application/yaml');
  }

  const c = cluster.data;
  return (
    <Stack>
      <PageTitle>Cluster {name}</PageTitle>
      <ErrorAlert error={cluster.error ?? error} />
      {c && (
        <>
          <Group>
            <StatusBadge status={c.phase} />
            <Text>{c.message}</Text>
          </Group>
          <Card withBorder maw={800}>
            <Table aria-label="Cluster">
              <Table.Tbody>
                {(
                  [
                    ['Template', `${c.template.name}:${c.template.version}`],
                    ['Kubernetes', `${c.flavor} ${c.kubernetesVersion}`],
                    ['OS profile', c.osProfile],
                    [
                      'K3s from',
                      c.airGapped
                        ? 'the OS image (air-gapped): the image embeds exactly this version'
                        : c.airGappedOverride
                          ? `download: ${c.airGappedOverride.message}`
                          : 'download: the image embeds no K3s of this version',
                    ],
                    ['Created by', c.autoCreated ? 'registration (automatically)' : 'hand'],
                  ] as const
                ).map(([label, value]) => (
                  <Table.Tr key={label}>
                    <Table.Th scope="row">{label}</Table.Th>
                    <Table.Td>{value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Table aria-label="Nodes" maw={800}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Host</Table.Th>
                <Table.Th>Role</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.nodes.map((n) => (
                <Table.Tr key={n.hostId}>
                  <Table.Td>
                    <Link href={`/hosts/${n.hostId}`}>{n.hostId}</Link>
                  </Table.Td>
                  <Table.Td>{n.role}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {canOperate && (
            <Group>
              <Button variant="default" onClick={kubeconfig} disabled={c.phase !== 'ready'}>
                Download kubeconfig
              </Button>
              <Button color="red" onClick={() => setConfirm(true)}>
                Delete cluster
              </Button>
            </Group>
          )}
          <Modal opened={confirm} onClose={() => setConfirm(false)} title={`Delete cluster ${name}?`}>
            <Stack>
              <Alert color="orange">
                Its agents stop K3s and remove its state. With force the cluster is removed at once; agents clean up when they return.
              </Alert>
              <Checkbox label="Force" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setConfirm(false)}>
                  Cancel
                </Button>
                <Button color="red" onClick={remove}>
                  Delete
                </Button>
              </Group>
            </Stack>
          </Modal>
        </>
      )}
    </Stack>
  );
}
