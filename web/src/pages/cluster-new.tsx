/**
 * Create a cluster by hand: the template first (only installable ones are offered; the others are listed with
 * their reason), then how hosts become nodes (option 1 as they run, option 3 provision onboarded hosts with an OS
 * profile that can run the template, option 2 update the OS first), then the hosts with their roles.
 */
import { Alert, Button, Card, Group, List, Radio, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { checkClusterNodes } from '../../../src/contract/ui-vocabulary.ts';
import { readOsProfiles, readTemplates } from '../api/catalog.ts';
import { api, errorText, unwrap } from '../api/client.ts';
import { HostPicker, withPick, type Pick, type Placement } from '../host-picker.tsx';
import { ErrorAlert, PageTitle } from '../parts.tsx';
import { navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

const PLACEMENTS: { value: Placement; label: string; description: string }[] = [
  { value: 'as-they-run', label: 'Hosts as they run', description: 'Provisioned hosts whose OS can run the template (option 1)' },
  {
    value: 'provision',
    label: 'Provision onboarded hosts first',
    description: 'Hosts without an instance get the OS profile chosen below, then join (option 3)',
  },
  {
    value: 'os-update',
    label: 'Update the OS first',
    description:
      "A provisioned EMT host whose image embeds another K3s moves to a version of its OS profile that embeds the template's (option 2)",
  },
];

export default function ClusterNew() {
  const { project } = useSession();
  const params = { path: { project } };
  const [name, setName] = useState('');
  const [template, setTemplate] = useState<string | null>(null);
  const [placement, setPlacement] = useState<Placement>('as-they-run');
  const [osProfile, setOsProfile] = useState<string | null>(null);
  const [picked, setPicked] = useState<Map<string, Pick>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const templates = useLoad((signal) => readTemplates(project, {}, signal), [project]);
  const installable = (templates.data?.items ?? []).filter((t) => t.installable);
  const notOffered = (templates.data?.items ?? []).filter((t) => !t.installable);
  const chosen = installable.find((t) => `${t.name}:${t.version}` === template);

  // Option 3's OS profiles: every imported version that can run the chosen template, as the server decides it.
  const profiles = useLoad(
    async (signal) => {
      if (!chosen || placement !== 'provision') return [];
      const all = await readOsProfiles(project, signal);
      const names = [...new Set(all.map((p) => p.name))];
      const answers = await Promise.all(
        names.map((profile) => readTemplates(project, { compatibleWithOsProfile: profile, name: chosen.name }, signal)),
      );
      return answers.flatMap((a) =>
        a.items.flatMap((t) =>
          t.version === chosen.version && t.compatibility?.compatible
            ? [
                {
                  value: `${t.compatibility.osProfile}:${t.compatibility.osProfileVersion}`,
                  label: `${t.compatibility.osProfile}:${t.compatibility.osProfileVersion} · ${t.compatibility.airGapped ? 'air-gapped' : 'K3s downloaded'}`,
                },
              ]
            : [],
        ),
      );
    },
    [project, chosen?.name, chosen?.version, placement],
  );

  const nodes = [...picked.entries()].map(([hostId, pick]) => ({ hostId, host: pick.name, role: pick.role }));
  const problems = useMemo(
    () => (nodes.length === 0 ? [] : checkClusterNodes(nodes, (id) => picked.get(id)?.name ?? id).map((p) => p.message)),
    [picked],
  );
  const ready = name.trim() !== '' && chosen && nodes.length > 0 && problems.length === 0 && (placement !== 'provision' || osProfile);

  const pick = (hostId: string, value: Pick | null) => setPicked((before) => withPick(before, hostId, value));

  async function create() {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await unwrap(
        api.POST('/api/v1/projects/{project}/clusters', {
          params,
          body: {
            name: name.trim(),
            template: `${chosen.name}:${chosen.version}`,
            nodes: nodes.map((n) => ({ host: n.hostId, role: n.role })),
            ...(placement === 'provision' && osProfile ? { osProfile } : {}),
            ...(placement === 'os-update' ? { osUpdate: true } : {}),
          },
        }),
      );
      navigate(`/clusters/${encodeURIComponent(answer.cluster.name)}`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack maw={1100}>
      <PageTitle>Create cluster</PageTitle>
      <ErrorAlert error={templates.error ?? profiles.error} />
      <Group align="flex-end">
        <TextInput
          label="Cluster name"
          description="A DNS label: lowercase letters, digits and -"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Select
          label="Template"
          placeholder="Pick a template"
          data={installable.map((t) => ({ value: `${t.name}:${t.version}`, label: `${t.name}:${t.version} · K3s ${t.kubernetesVersion}` }))}
          value={template}
          onChange={(v) => {
            setTemplate(v);
            setPicked(new Map());
            setOsProfile(null);
          }}
          w={380}
        />
      </Group>
      {notOffered.length > 0 && (
        <Card withBorder>
          <Text size="sm" fw={600}>
            Not offered: edge-orch cannot install these
          </Text>
          <Table aria-label="Templates not offered">
            <Table.Tbody>
              {notOffered.map((t) => (
                <Table.Tr key={`${t.name}:${t.version}`} c="dimmed">
                  <Table.Td>
                    {t.name}:{t.version}
                  </Table.Td>
                  <Table.Td>
                    {t.installableReason ? `${t.installableReason.code}: ${t.installableReason.message}` : 'not installable'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      {chosen && (
        <>
          <Radio.Group
            label="How hosts become nodes"
            value={placement}
            onChange={(v) => {
              setPlacement(PLACEMENTS.find((p) => p.value === v)?.value ?? 'as-they-run');
              setPicked(new Map());
            }}
          >
            <Stack gap="xs" mt="xs">
              {PLACEMENTS.map((p) => (
                <Radio key={p.value} value={p.value} label={p.label} description={p.description} />
              ))}
            </Stack>
          </Radio.Group>
          {placement === 'provision' && (
            <Select
              label="OS profile for hosts without one"
              placeholder="OS profiles that can run the template"
              data={profiles.data ?? []}
              value={osProfile}
              onChange={setOsProfile}
              nothingFoundMessage="No imported OS profile can run this template"
              w={420}
            />
          )}
          <HostPicker
            template={`${chosen.name}:${chosen.version}`}
            placement={placement}
            picked={picked}
            onPick={pick}
            defaultRole={picked.size === 0 ? 'all' : 'worker'}
          />
          {problems.length > 0 && (
            <Alert color="orange" title="The nodes do not make a cluster yet">
              <List size="sm">
                {problems.map((p) => (
                  <List.Item key={p}>{p}</List.Item>
                ))}
              </List>
            </Alert>
          )}
        </>
      )}
      <ErrorAlert error={error} title="The cluster was not created" />
      <Group>
        <Button onClick={create} disabled={!ready} loading={busy}>
          Create cluster
        </Button>
        <Text size="sm">
          {nodes.length === 0
            ? 'No host picked'
            : `${nodes.length} host${nodes.length > 1 ? 's' : ''}: ${nodes.map((n) => `${n.host} (${n.role})`).join(', ')}`}
        </Text>
      </Group>
    </Stack>
  );
}
