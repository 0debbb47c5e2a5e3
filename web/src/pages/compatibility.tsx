/**
 * The compatibility matrix: OS profiles (with versions and embedded K3s) × templates, each cell air-gapped,
 * download, or the reason it cannot run, so version drift between images and templates shows at a glance.
 */
import { Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { readOsProfiles, readTemplates, type ExcludedTemplate } from '../api/catalog.ts';
import type { OsProfile, Template } from '../api/client.ts';
import { ErrorAlert, PageTitle } from '../parts.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

type Cell = { kind: 'air-gapped' | 'download'; note: string } | { kind: 'incompatible'; code: string; note: string };

export default function Compatibility() {
  const { project } = useSession();
  const matrix = useLoad(async () => {
    // The whole catalog, page by page: the matrix is every profile version × every template.
    const [profiles, templates] = await Promise.all([readOsProfiles(project), readTemplates(project)]);
    // One question per profile name, for all its versions: the server decides compatibility (the same answer the
    // template picker gets).
    const names = [...new Set(profiles.map((p) => p.name))];
    const answers = await Promise.all(names.map((name) => readTemplates(project, { compatibleWithOsProfile: name, explain: true })));
    return { profiles, templates: templates.items, cells: toCells(answers) };
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
            {data.profiles.map((p) => (
              <Table.Tr key={`${p.name}:${p.version}`}>
                <Table.Th scope="row">
                  <ProfileHeading profile={p} />
                </Table.Th>
                {data.templates.map((t) => {
                  const cell = data.cells.get(cellKey(p.name, p.version, t));
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

const cellKey = (osProfile: string, osProfileVersion: string, t: { name: string; version: string }): string =>
  `${osProfile}:${osProfileVersion}|${t.name}:${t.version}`;

/** The cells of the answers for compatibleWithOsProfile: compatible templates, and excluded ones with their reason. */
function toCells(answers: { items: Template[]; excluded: ExcludedTemplate[] }[]): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const answer of answers) {
    for (const t of answer.items) {
      const c = t.compatibility;
      if (!c) continue;
      const note = c.override ? c.override.message : c.airGapped ? 'embedded version' : 'no embedded K3s';
      cells.set(cellKey(c.osProfile, c.osProfileVersion, t), { kind: c.airGapped ? 'air-gapped' : 'download', note });
    }
    for (const t of answer.excluded) {
      const d = t.reason.details;
      const note =
        d?.['templateVersion'] && d['embeddedVersion']
          ? `needs ${d['templateVersion']}, image has ${d['embeddedVersion']}`
          : t.reason.message;
      cells.set(cellKey(t.osProfile, t.osProfileVersion, t), { kind: 'incompatible', code: t.reason.code, note });
    }
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
