/**
 * Onboarding requests: registered hosts whose agent enrolled and waits for approval, and the lobby of unknown
 * machines that enrolled with a valid enrollment token but match no registered host. An onboarding manager
 * approves or rejects one or many; approving an unknown machine registers it as a host, named from its serial
 * unless a name is given.
 */
import { Button, Checkbox, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { api, errorText, unwrap, type Host, type OnboardingRequest } from '../api/client.ts';
import { ErrorAlert, Link, PageTitle } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

type Decision = 'approve' | 'reject';

export default function Onboarding() {
  const { project } = useSession();
  const path = { project };
  const hosts = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/hosts', { params: { path, query: { state: 'awaiting-approval', limit: 500 } } })),
    [project],
  );
  const machines = useLoad(
    () => unwrap(api.GET('/api/v1/projects/{project}/onboarding-requests', { params: { path, query: { state: 'pending', limit: 500 } } })),
    [project],
  );
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  /** Runs one decision per selected item; reports how many succeeded and the first failure. */
  async function decideAll(what: string, items: string[], decide: (id: string) => Promise<unknown>, reload: () => void) {
    setError(null);
    let succeeded = 0;
    const failures: string[] = [];
    for (const id of items) {
      try {
        await decide(id);
        succeeded++;
      } catch (e) {
        failures.push(`${id}: ${errorText(e)}`);
      }
    }
    setDone(`${what}: ${succeeded} of ${items.length} done`);
    if (failures.length > 0) setError(failures.join('; '));
    reload();
  }

  const decideHost = (decision: Decision) => (id: string) =>
    unwrap(
      decision === 'approve'
        ? api.POST('/api/v1/projects/{project}/hosts/{host}/approve', { params: { path: { project, host: id } } })
        : api.POST('/api/v1/projects/{project}/hosts/{host}/reject', { params: { path: { project, host: id } } }),
    );
  const decideMachine =
    (decision: Decision, names: Record<string, string>) =>
    (id: string): Promise<unknown> => {
      const name = names[id]?.trim();
      return decision === 'approve'
        ? unwrap(
            api.POST('/api/v1/projects/{project}/onboarding-requests/{id}/approve', {
              params: { path: { project, id } },
              body: name ? { name } : {},
            }),
          )
        : unwrap(api.POST('/api/v1/projects/{project}/onboarding-requests/{id}/reject', { params: { path: { project, id } } }));
    };

  return (
    <Stack>
      <PageTitle>Onboarding requests</PageTitle>
      <ErrorAlert error={error ?? hosts.error ?? machines.error} />
      {done && (
        <Text size="sm" role="status">
          {done}
        </Text>
      )}
      <Decisions<Host>
        title="Registered hosts waiting for approval"
        empty="No registered host waits for approval."
        items={hosts.data?.items ?? []}
        columns={['Host', 'Serial', 'UUID', 'Site']}
        row={(host) => [
          <Link key="name" href={`/hosts/${host.id}`}>
            {host.name}
          </Link>,
          host.serial,
          host.uuid,
          host.site,
        ]}
        label={(host) => host.name}
        onDecide={(decision, ids) => decideAll(`${decision} hosts`, ids, decideHost(decision), hosts.reload)}
      />
      <Decisions<OnboardingRequest>
        title="Unknown machines in the lobby"
        empty="No unknown machine waits: machines that enroll without being registered appear here when onboarding needs approval."
        items={machines.data?.items ?? []}
        columns={['Serial', 'UUID', 'Reported', 'Enrollment token', 'First seen', 'Last seen']}
        row={(r) => [
          r.serial,
          r.uuid,
          Object.entries(r.facts)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
          r.tokenName,
          new Date(r.firstSeenAt).toLocaleString(),
          new Date(r.lastSeenAt).toLocaleString(),
        ]}
        label={(r) => r.serial ?? r.uuid ?? r.id}
        withNames
        onDecide={(decision, ids, names) => decideAll(`${decision} machines`, ids, decideMachine(decision, names), machines.reload)}
      />
    </Stack>
  );
}

/** A table of items to decide, with a checkbox each, Approve/Reject per row and for the selection. */
function Decisions<T extends { id: string }>({
  title,
  empty,
  items,
  columns,
  row,
  label,
  withNames = false,
  onDecide,
}: {
  title: string;
  empty: string;
  items: T[];
  columns: string[];
  row: (item: T) => ReactNode[];
  label: (item: T) => string;
  /** Offer a host name per row (unknown machines). */
  withNames?: boolean;
  onDecide: (decision: Decision, ids: string[], names: Record<string, string>) => Promise<void>;
}) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [names, setNames] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const chosen = items.filter((i) => selected.has(i.id)).map((i) => i.id);
  const run = async (decision: Decision, ids: string[]) => {
    setBusy(true);
    try {
      await onDecide(decision, ids, names);
      setSelected(new Set());
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {title} ({items.length})
      </Title>
      {items.length === 0 ? (
        <Text size="sm">{empty}</Text>
      ) : (
        <>
          <Group>
            <Button disabled={chosen.length === 0} loading={busy} onClick={() => run('approve', chosen)}>
              Approve selected ({chosen.length})
            </Button>
            <Button color="red" variant="outline" disabled={chosen.length === 0} loading={busy} onClick={() => run('reject', chosen)}>
              Reject selected ({chosen.length})
            </Button>
          </Group>
          <Table striped aria-label={title}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <Checkbox
                    aria-label={`Select all: ${title}`}
                    checked={chosen.length === items.length}
                    indeterminate={chosen.length > 0 && chosen.length < items.length}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.map((i) => i.id)) : new Set())}
                  />
                </Table.Th>
                {columns.map((c) => (
                  <Table.Th key={c}>{c}</Table.Th>
                ))}
                {withNames && <Table.Th>Host name</Table.Th>}
                <Table.Th>Decide</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={item.id} data-request={label(item)}>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${label(item)}`}
                      checked={selected.has(item.id)}
                      onChange={(e) => toggle(item.id, e.currentTarget.checked)}
                    />
                  </Table.Td>
                  {row(item).map((cell, i) => (
                    <Table.Td key={columns[i]}>{cell}</Table.Td>
                  ))}
                  {withNames && (
                    <Table.Td>
                      <TextInput
                        size="xs"
                        aria-label={`Host name for ${label(item)}`}
                        placeholder="from its serial"
                        value={names[item.id] ?? ''}
                        onChange={(e) => {
                          const value = e.currentTarget.value;
                          setNames((n) => ({ ...n, [item.id]: value }));
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="xs" loading={busy} aria-label={`Approve ${label(item)}`} onClick={() => run('approve', [item.id])}>
                        Approve
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="outline"
                        loading={busy}
                        aria-label={`Reject ${label(item)}`}
                        onClick={() => run('reject', [item.id])}
                      >
                        Reject
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
