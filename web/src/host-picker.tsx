/**
 * Hosts to make cluster nodes of a template: the server's eligible hosts (GET hosts?eligibleFor&explain) with
 * the others of each page greyed with their reason; a host the chosen placement would fix (option 3 provisions a
 * host without an instance, option 2 updates an image whose K3s differs) can be picked too. Picks survive paging
 * and filtering; each pick has a role.
 */
import { Checkbox, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { NODE_ROLES } from '../../src/contract/ui-vocabulary.ts';
import { api, unwrap, type Host, type HostPage } from './api/client.ts';
import { PagedTable } from './paged-table.tsx';
import { StatusBadge } from './parts.tsx';
import { useSession } from './session.tsx';
import { usePagedList } from './use-paged-list.ts';

export type NodeRole = (typeof NODE_ROLES)[number];
export type Placement = 'as-they-run' | 'provision' | 'os-update';
type Reason = NonNullable<HostPage['ineligible']>[number]['reason'];

export interface Pick {
  name: string;
  role: NodeRole;
}

export const ROLE_LABELS: Record<NodeRole, string> = {
  all: 'server (runs workloads too)',
  controlplane: 'server (control plane only)',
  worker: 'worker',
};

/** The picks with `hostId` picked as `pick`, or dropped when it is null. */
export function withPick(before: ReadonlyMap<string, Pick>, hostId: string, pick: Pick | null): Map<string, Pick> {
  const after = new Map(before);
  if (pick) after.set(hostId, pick);
  else after.delete(hostId);
  return after;
}

/** Whether a host the server calls ineligible as it runs becomes a node under `placement` (the server checks again). */
function fixedBy(placement: Placement, reason: Reason): boolean {
  if (placement === 'provision') return reason.code === 'NotProvisioned' && !reason.details?.osProfile;
  if (placement === 'os-update') return reason.code === 'K3sVersionMismatch';
  return false;
}

interface Row {
  host: Host;
  reason: Reason | null;
}

export function HostPicker({
  template,
  placement,
  picked,
  onPick,
  defaultRole,
}: {
  /** name:version */
  template: string;
  placement: Placement;
  picked: ReadonlyMap<string, Pick>;
  onPick: (hostId: string, pick: Pick | null) => void;
  defaultRole: NodeRole;
}) {
  const { project } = useSession();
  const [namePrefix, setNamePrefix] = useState('');
  const prefix = namePrefix.trim();
  const hosts = usePagedList(
    (cursor, signal) =>
      unwrap(
        api.GET('/api/v1/projects/{project}/hosts', {
          params: {
            path: { project },
            query: {
              eligibleFor: template,
              explain: true,
              limit: 50,
              ...(prefix ? { namePrefix: prefix } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
          signal,
        }),
      ),
    [project, template, prefix],
  );
  const rows: Row[] = [
    ...(hosts.data?.items ?? []).map((host) => ({ host, reason: null })),
    ...(hosts.data?.ineligible ?? []).map(({ host, reason }) => ({ host, reason })),
  ].sort((a, b) => (a.host.name < b.host.name ? -1 : a.host.name > b.host.name ? 1 : 0));
  const usable = (row: Row) => row.reason === null || fixedBy(placement, row.reason);
  return (
    <Stack gap="xs">
      <TextInput label="Host name starts with" value={namePrefix} onChange={(e) => setNamePrefix(e.currentTarget.value)} maw={320} />
      <PagedTable<Row>
        list={hosts}
        rows={rows}
        label="Candidate hosts"
        noun="hosts"
        testId="candidate-status"
        rowKey={(row) => row.host.id}
        rowProps={(row) => ({ 'data-host': row.host.name, 'data-usable': String(usable(row)) })}
        columns={[
          {
            header: 'Node',
            cell: (row) => (
              <Checkbox
                aria-label={`Use ${row.host.name}`}
                disabled={!usable(row)}
                checked={picked.has(row.host.id)}
                onChange={(e) => onPick(row.host.id, e.currentTarget.checked ? { name: row.host.name, role: defaultRole } : null)}
              />
            ),
          },
          {
            header: 'Host',
            cell: (row) => (
              <Text size="sm" c={usable(row) ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                {row.host.name}
              </Text>
            ),
          },
          { header: 'State', cell: (row) => <StatusBadge status={row.host.state} /> },
          {
            header: 'Eligible',
            cell: (row) =>
              row.reason === null ? (
                <StatusBadge status="eligible" />
              ) : (
                <Text size="sm" c={usable(row) ? undefined : 'dimmed'} maw={480}>
                  {row.reason.code}: {row.reason.message}
                </Text>
              ),
          },
          {
            header: 'Role',
            cell: (row) => {
              const pick = picked.get(row.host.id);
              return pick ? (
                <Select
                  aria-label={`Role of ${row.host.name}`}
                  size="xs"
                  w={230}
                  allowDeselect={false}
                  data={NODE_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }))}
                  value={pick.role}
                  onChange={(role) => onPick(row.host.id, { ...pick, role: NODE_ROLES.find((r) => r === role) ?? pick.role })}
                />
              ) : null;
            },
          },
        ]}
      />
    </Stack>
  );
}
