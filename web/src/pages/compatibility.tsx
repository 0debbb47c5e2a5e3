/**
 * The compatibility matrix: OS profiles (with versions and embedded K3s) × templates, each cell air-gapped,
 * download, or the reason it cannot run, so version drift between images and templates shows at a glance.
 */
import { Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { api, unwrap, type OsProfile, type TemplateList } from '../api/client.ts';
import { ErrorAlert, PageTitle } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

type Cell = { kind: 'air-gapped' | 'download'; note: string } | { kind: 'incompatible'; code: string; note: string };

export default function Compatibility() {
  const { project } = useSession();
  const params = { path: { project } };
  const matrix = useLoad(async () => {
    const [profiles, templates] = await Promise.all([
      unwrap(api.GET('/api/v1/projects/{project}/osprofiles', { params })),
      unwrap(api.GET('/api/v1/projects/{project}/templates', { params })),
    ]);
    // One question per profile: the server decides compatibility (the same answer the template picker gets).
    const answers = await Promise.all(
      profiles.items.map((p) =>
        unwrap(
          api.GET('/api/v1/projects/{project}/templates', {
            params: { ...params, query: { compatibleWithOsProfile: p.name, explain: true } },
          }),
        ),
      ),
    );
    return { profiles: profiles.items, templates: templates.items, cells: answers.map(toCells) };
  }, [project]);

  const data = matrix.data;
  return (
    <Stack>
      <PageTitle>Compatibility matrix</PageTitle>
      <Group gap="xs">
        <Legend kind="air-gapped" />
        <Text size="sm">K3s is in the image: installs without network.</Text>
        <Legend kind="download" />
        <Text size="sm">K3s is downloaded at install.</Text>
        <Legend kind="incompatible" />
        <Text size="sm">Cannot run, with the reason.</Text>
      </Group>
      <ErrorAlert error={matrix.error} />
      {data && data.profiles.length > 0 && (
        <Table withTableBorder withColumnBorders aria-label="Compatibility of templates with OS profiles" style={{ width: 'auto' }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">OS profile ↓ · template →</Table.Th>
              {data.templates.map((t) => (
                <Table.Th key={`${t.name}:${t.version}`} scope="col">
                  {t.name}:{t.version}
                  <Text size="xs">
                    {t.flavor} {t.kubernetesVersion}
                  </Text>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.profiles.map((p, i) => (
              <Table.Tr key={p.name}>
                <Table.Th scope="row">
                  <ProfileHeading profile={p} />
                </Table.Th>
                {data.templates.map((t) => {
                  const cell = data.cells[i]?.get(`${t.name}:${t.version}`);
                  return (
                    <Table.Td key={`${t.name}:${t.version}`} data-cell={`${p.name}|${t.name}:${t.version}`}>
                      {cell && (
                        <Stack gap={2}>
                          <Legend kind={cell.kind} />
                          <Text size="xs" maw={260}>
                            {cell.kind === 'incompatible' ? `${cell.code}: ` : ''}
                            {cell.note}
                          </Text>
                        </Stack>
                      )}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data && data.profiles.length === 0 && <Text>No OS profiles yet: import some on the OS profiles and templates page.</Text>}
    </Stack>
  );
}

function toCells(answer: TemplateList): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const t of answer.items) {
    const c = t.compatibility;
    const note = c?.override ? c.override.message : c?.airGapped ? 'embedded version' : 'no embedded K3s';
    cells.set(`${t.name}:${t.version}`, { kind: c?.airGapped ? 'air-gapped' : 'download', note });
  }
  for (const t of answer.excluded ?? []) {
    const d = t.reason.details;
    const note =
      d?.['templateVersion'] && d['embeddedVersion']
        ? `needs ${d['templateVersion']}, image has ${d['embeddedVersion']}`
        : t.reason.message;
    cells.set(`${t.name}:${t.version}`, { kind: 'incompatible', code: t.reason.code, note });
  }
  return cells;
}

const LEGEND = { 'air-gapped': 'green', download: 'blue', incompatible: 'red' } as const;

function Legend({ kind }: { kind: Cell['kind'] }) {
  return (
    <Badge color={LEGEND[kind]} variant="light" c="dark.8">
      {kind}
    </Badge>
  );
}

function ProfileHeading({ profile }: { profile: OsProfile }) {
  return (
    <Tooltip label={profile.description ?? profile.displayName}>
      <div>
        {profile.name}{' '}
        <Text span size="xs">
          {profile.version}
        </Text>
        <Text size="xs">
          {profile.kubernetes ? `embeds ${profile.kubernetes.flavor} ${profile.kubernetes.version}` : 'no embedded K3s'}
        </Text>
      </div>
    </Tooltip>
  );
}
