/** A cluster's last rolling upgrade: target, state, each node's step in rollout order, and the failure with its reason. */
import { Alert, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Cluster } from './api/client.ts';
import { StatusBadge } from './parts.tsx';

type Upgrade = NonNullable<Cluster['upgrade']>;

const METHODS: Record<Upgrade['steps'][number]['method'], string> = {
  'update-os': 'update the OS image (embeds the new K3s)',
  reinstall: 'download the new K3s (its image embeds none)',
};

export function UpgradeProgress({ upgrade, hostName }: { upgrade: Upgrade; hostName: (id: string) => string }) {
  const target = `${upgrade.osProfile.name}:${upgrade.osProfile.version}`;
  return (
    <Card withBorder maw={800} data-testid="upgrade">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Upgrade to K3s {upgrade.kubernetesVersion}
          </Title>
          <StatusBadge status={upgrade.state} />
        </Group>
        <Text size="sm">
          From K3s {upgrade.fromVersion} with OS profile {target}; started {new Date(upgrade.startedAt).toLocaleString()}
          {upgrade.finishedAt ? `, ended ${new Date(upgrade.finishedAt).toLocaleString()}` : ''}.
        </Text>
        {upgrade.failure && (
          <Alert color="red" title={`Stopped at ${hostName(upgrade.failure.hostId)}`}>
            {upgrade.failure.reason.code}: {upgrade.failure.reason.message}. After fixing the cause, upgrading to {target} again resumes it.
          </Alert>
        )}
        {upgrade.steps.length === 0 ? (
          <Text size="sm">Every node already ran the target: no node had to move.</Text>
        ) : (
          <Table aria-label="Upgrade steps">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Order</Table.Th>
                <Table.Th>Host</Table.Th>
                <Table.Th>How it moves</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {upgrade.steps.map((step, i) => (
                <Table.Tr key={step.hostId} data-step={hostName(step.hostId)}>
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>{hostName(step.hostId)}</Table.Td>
                  <Table.Td>
                    {step.method}: {METHODS[step.method]}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={step.state} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
