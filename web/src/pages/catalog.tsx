/** OS profiles and cluster templates: lists, and import from files (manifest.json / infra-core YAML; TemplateInfo JSON). */
import { Alert, Button, Card, FileInput, Group, SimpleGrid, Stack, Table, Title } from '@mantine/core';
import { useState } from 'react';
import { api, errorText, unwrap } from '../api/client.ts';
import { ErrorAlert, Link, PageTitle } from '../parts.tsx';
import { useCan, useSession } from '../session.tsx';
import { usePagedList, type CursorPage, type PagedList } from '../use-paged-list.ts';

export default function Catalog() {
  const { project } = useSession();
  const params = { path: { project } };
  const canImportProfiles = useCan('hosts:write');
  const canImportTemplates = useCan('clusters:write');
  const profiles = usePagedList(
    (cursor, signal) =>
      unwrap(api.GET('/api/v1/projects/{project}/osprofiles', { params: { ...params, query: { limit: 100, cursor } }, signal })),
    [project],
  );
  const templates = usePagedList(
    (cursor, signal) =>
      unwrap(api.GET('/api/v1/projects/{project}/templates', { params: { ...params, query: { limit: 100, cursor } }, signal })),
    [project],
  );
  const [error, setError] = useState<string | null>(null);
  const [imported, setImported] = useState<string[]>([]);

  /** Imports each file; every file is tried, and each failure names its file. */
  async function importFiles(files: File[], kind: 'profile' | 'template') {
    setError(null);
    const done: string[] = [];
    const failures: string[] = [];
    for (const file of files) {
      try {
        const text = await file.text();
        if (kind === 'profile') {
          const p = await unwrap(api.POST('/api/v1/projects/{project}/osprofiles/import', { params, body: { document: text } }));
          done.push(`OS profile ${p.name} ${p.version}`);
        } else {
          const t = await unwrap(
            api.POST('/api/v1/projects/{project}/templates', { params, body: JSON.parse(text) as Record<string, unknown> }),
          );
          done.push(`template ${t.name}:${t.version}`);
        }
      } catch (e) {
        failures.push(`${file.name}: ${errorText(e)}`);
      }
    }
    setImported(done);
    if (failures.length) setError(failures.join('\n'));
    profiles.reload();
    templates.reload();
  }

  return (
    <Stack>
      <PageTitle>OS profiles and templates</PageTitle>
      <Link href="/compatibility">Which template runs on which OS profile: the compatibility matrix</Link>
      <ErrorAlert error={error} title="Some files were not imported" />
      {imported.length > 0 && (
        <Alert color="green" title="Imported" role="status">
          {imported.join(', ')}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              OS profiles
            </Title>
            {canImportProfiles && (
              <FileInput
                aria-label="Import OS profiles"
                placeholder="Import OS profiles…"
                multiple
                accept=".json,.yaml,.yml"
                value={[]}
                onChange={(files) => void importFiles(files, 'profile')}
              />
            )}
          </Group>
          <ErrorAlert error={profiles.error} />
          <Table striped aria-label="OS profiles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Embedded K3s</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {profiles.data?.items.map((p) => (
                <Table.Tr key={`${p.name}:${p.version}`}>
                  <Table.Td>{p.name}</Table.Td>
                  <Table.Td>{p.version}</Table.Td>
                  <Table.Td>{p.osType}</Table.Td>
                  <Table.Td>{p.kubernetes ? `${p.kubernetes.flavor} ${p.kubernetes.version}` : 'none'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <PageButtons list={profiles} label="OS profiles" />
        </Card>
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              Cluster templates
            </Title>
            {canImportTemplates && (
              <FileInput
                aria-label="Import templates"
                placeholder="Import templates…"
                multiple
                accept=".json"
                value={[]}
                onChange={(files) => void importFiles(files, 'template')}
              />
            )}
          </Group>
          <ErrorAlert error={templates.error} />
          <Table striped aria-label="Cluster templates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Kubernetes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {templates.data?.items.map((t) => (
                <Table.Tr key={`${t.name}:${t.version}`}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td>{t.version}</Table.Td>
                  <Table.Td>
                    {t.flavor} {t.kubernetesVersion}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <PageButtons list={templates} label="templates" />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** Previous and next page of one of the lists (shown once the list has more than one page). */
function PageButtons({ list, label }: { list: PagedList<CursorPage<unknown>>; label: string }) {
  const nextCursor = list.data?.nextCursor;
  if (list.page === 1 && !nextCursor) return null;
  return (
    <Group mt="xs">
      <Button variant="default" size="xs" disabled={list.page === 1} onClick={list.previous} aria-label={`Previous page of ${label}`}>
        Previous page
      </Button>
      <Button variant="default" size="xs" disabled={!nextCursor} onClick={list.next} aria-label={`Next page of ${label}`}>
        Next page
      </Button>
    </Group>
  );
}
