/**
 * One cluster: nodes and roles with the image each runs, template, the K3s version, air-gapped or downloaded and
 * why, whether it is stale, and its rolling upgrade's progress; add and remove nodes, upgrade, delete (with force,
 * or deauthorizing its hosts), and the kubeconfig for the roles that may. The cluster is long-polled, so phases
 * and upgrade steps move while the page is open.
 */
import { Alert, Button, Card, Checkbox, Group, List, Modal, Radio, Stack, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { checkClusterNodes } from '../../../src/contract/ui-vocabulary.ts';
import { api, errorText, tokenStorage, unwrap, type Cluster } from '../api/client.ts';
import { downloadText } from '../failed-rows-csv.ts';
import { HostPicker, ROLE_LABELS, withPick, type Pick, type Placement } from '../host-picker.tsx';
import { ErrorAlert, LabelledRows, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { navigate } from '../router.ts';
import { useCan, useSession } from '../session.tsx';
import { UpgradeDialog } from '../upgrade-dialog.tsx';
import { UpgradeProgress } from '../upgrade-progress.tsx';
import { useLoad } from '../use-load.ts';
import { useLongPoll } from '../use-long-poll.ts';

export default function ClusterDetails({ params: [name = ''] }: { params: string[] }) {
  const { project } = useSession();
  const canOperate = useCan('clusters:write');
  const canDeauthorize = useCan('hosts:write');
  const path = { project, name };
  const cluster = useLongPoll(
    async (query, signal) => {
      const answer = await unwrap(api.GET('/api/v1/projects/{project}/clusters/{name}/progress', { params: { path, query }, signal }));
      return { revision: answer.revision, value: answer.cluster };
    },
    [project, name],
  );
  const c = cluster.data;
  // Nodes name their host by id: the names, and the image each agent last reported, are read again when the
  // nodes or the cluster change.
  const nodeIds = c?.nodes.map((n) => n.hostId) ?? [];
  const nodeHosts = useLoad(
    async (signal) => {
      const hosts = await Promise.all(
        nodeIds.map(async (host) => {
          const params = { path: { project, host } };
          const [found, { report }] = await Promise.all([
            unwrap(api.GET('/api/v1/projects/{project}/hosts/{host}', { params, signal })),
            unwrap(api.GET('/api/v1/projects/{project}/hosts/{host}/report', { params, signal })),
          ]);
          return [host, { name: found.name, reported: report !== null, image: report?.image ?? null }] as const;
        }),
      );
      return new Map(hosts);
    },
    [project, nodeIds.join(','), c?.updatedAt],
  );
  const hostName = (id: string) => nodeHosts.data?.get(id)?.name ?? id;
  // The OS profiles the cluster runs: its first node's, and every image its agents report.
  const profileNames = new Set([
    ...(c ? [c.osProfile] : []),
    ...[...(nodeHosts.data?.values() ?? [])].flatMap((h) => (h.image ? [h.image.name] : [])),
  ]);
  const [dialog, setDialog] = useState<'delete' | 'add' | 'upgrade' | { remove: string } | null>(null);
  const [force, setForce] = useState(false);
  const [deauthorize, setDeauthorize] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(change: () => Promise<unknown>, after: () => void) {
    setError(null);
    try {
      await change();
      setDialog(null);
      after();
    } catch (e) {
      setError(errorText(e));
      setDialog(null);
    }
  }

  const remove = () =>
    act(
      () => unwrap(api.DELETE('/api/v1/projects/{project}/clusters/{name}', { params: { path, query: { force, deauthorize } } })),
      () => navigate('/clusters'),
    );

  const removeNode = (hostId: string) =>
    act(
      () => unwrap(api.DELETE('/api/v1/projects/{project}/clusters/{name}/nodes/{host}', { params: { path: { ...path, host: hostId } } })),
      cluster.reload,
    );

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
          {c.stale && (
            <Alert color="orange" title="Stale">
              {c.staleReason?.message ?? 'No word from its agents for too long; deleting it needs no agent.'}
            </Alert>
          )}
          <Card withBorder maw={800}>
            <Table aria-label="Cluster">
              <Table.Tbody>
                <LabelledRows
                  rows={[
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
                  ]}
                />
              </Table.Tbody>
            </Table>
          </Card>
          {c.upgrade && <UpgradeProgress upgrade={c.upgrade} hostName={hostName} />}
          <Table aria-label="Nodes" maw={1000}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Host</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Node</Table.Th>
                <Table.Th>Runs</Table.Th>
                {canOperate && <Table.Th>Change</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.nodes.map((n) => (
                <Table.Tr key={n.hostId} data-node={hostName(n.hostId)}>
                  <Table.Td>
                    <Link href={`/hosts/${n.hostId}`}>{hostName(n.hostId)}</Link>
                  </Table.Td>
                  <Table.Td>{ROLE_LABELS[n.role]}</Table.Td>
                  <Table.Td>{n.phase ? <StatusBadge status={n.phase} /> : 'no report yet'}</Table.Td>
                  <Table.Td>{runs(nodeHosts.data?.get(n.hostId))}</Table.Td>
                  {canOperate && (
                    <Table.Td>
                      <Button size="xs" variant="default" onClick={() => setDialog({ remove: n.hostId })}>
                        Remove {hostName(n.hostId)}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {canOperate && (
            <Group>
              <Button variant="default" onClick={() => setDialog('add')}>
                Add nodes
              </Button>
              <Button variant="default" onClick={() => setDialog('upgrade')}>
                Upgrade
              </Button>
              <Button variant="default" onClick={kubeconfig} disabled={c.phase !== 'ready'}>
                Download kubeconfig
              </Button>
              <Button color="red" onClick={() => setDialog('delete')}>
                Delete cluster
              </Button>
            </Group>
          )}
          {dialog === 'upgrade' && (
            <UpgradeDialog
              cluster={c}
              profileNames={profileNames}
              onClose={() => setDialog(null)}
              onStarted={() => {
                setDialog(null);
                cluster.reload();
              }}
            />
          )}
          {dialog === 'add' && (
            <AddNodes
              cluster={c}
              onClose={() => setDialog(null)}
              onAdded={() => {
                setDialog(null);
                cluster.reload();
              }}
            />
          )}
          <Modal
            opened={typeof dialog === 'object' && dialog !== null}
            onClose={() => setDialog(null)}
            closeButtonProps={{ 'aria-label': 'Close' }}
            title={typeof dialog === 'object' && dialog ? `Remove ${hostName(dialog.remove)} from ${name}?` : ''}
          >
            <Stack>
              <Text>Its agent removes K3s and the host returns to provisioned.</Text>
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setDialog(null)}>
                  Cancel
                </Button>
                <Button color="red" onClick={() => typeof dialog === 'object' && dialog && removeNode(dialog.remove)}>
                  Remove
                </Button>
              </Group>
            </Stack>
          </Modal>
          <Modal
            opened={dialog === 'delete'}
            onClose={() => setDialog(null)}
            closeButtonProps={{ 'aria-label': 'Close' }}
            title={`Delete cluster ${name}?`}
          >
            <Stack>
              <Alert color="orange">
                Its agents stop K3s and remove its state. With force the cluster is removed at once; agents clean up when they return.
              </Alert>
              <Checkbox label="Force" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
              <Checkbox
                label="Deauthorize its hosts"
                description={canDeauthorize ? 'Instead of returning them to provisioned' : 'Needs a role that may change hosts'}
                disabled={!canDeauthorize}
                checked={deauthorize}
                onChange={(e) => setDeauthorize(e.currentTarget.checked)}
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setDialog(null)}>
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

/** The image a node's agent last reported running, in words. */
function runs(node: { reported: boolean; image: { name: string; version: string } | null } | undefined): string {
  if (!node) return '';
  if (!node.reported) return 'no report yet';
  return node.image ? `${node.image.name} ${node.image.version}` : 'no image manifest';
}

/** Hosts to add, checked against the cluster's nodes as they would be (1 or 3 servers). */
function AddNodes({ cluster, onClose, onAdded }: { cluster: Cluster; onClose: () => void; onAdded: () => void }) {
  const { project } = useSession();
  const [placement, setPlacement] = useState<Placement>('as-they-run');
  const [picked, setPicked] = useState<Map<string, Pick>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const added = [...picked.entries()].map(([hostId, p]) => ({ hostId, role: p.role }));
  const problems = useMemo(
    () =>
      added.length === 0 ? [] : checkClusterNodes([...cluster.nodes, ...added], (id) => picked.get(id)?.name ?? id).map((p) => p.message),
    [picked, cluster.nodes],
  );

  async function add() {
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST('/api/v1/projects/{project}/clusters/{name}/nodes', {
          params: { path: { project, name: cluster.name } },
          body: {
            nodes: added.map((n) => ({ host: n.hostId, role: n.role })),
            // Option 3 provisions with the cluster's OS profile: the only one its nodes may run.
            ...(placement === 'provision' ? { osProfile: cluster.osProfile } : {}),
            ...(placement === 'os-update' ? { osUpdate: true } : {}),
          },
        }),
      );
      onAdded();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Add nodes to ${cluster.name}`} size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Radio.Group
          label="How hosts become nodes"
          value={placement}
          onChange={(v) => {
            setPlacement(v === 'provision' || v === 'os-update' ? v : 'as-they-run');
            setPicked(new Map());
          }}
        >
          <Group mt="xs">
            <Radio value="as-they-run" label="As they run" />
            <Radio value="provision" label={`Provision with ${cluster.osProfile} first`} />
            <Radio value="os-update" label="Update the OS first" />
          </Group>
        </Radio.Group>
        <HostPicker
          template={`${cluster.template.name}:${cluster.template.version}`}
          placement={placement}
          picked={picked}
          onPick={(hostId, pick) => setPicked((before) => withPick(before, hostId, pick))}
          defaultRole="worker"
        />
        {problems.length > 0 && (
          <Alert color="orange" title="The nodes would not make a cluster">
            <List size="sm">
              {problems.map((p) => (
                <List.Item key={p}>{p}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <ErrorAlert error={error} title="No node was added" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={add} disabled={added.length === 0 || problems.length > 0} loading={busy}>
            Add {added.length || ''} node{added.length === 1 ? '' : 's'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
