/**
 * Register hosts: one by form or many by EMF CSV, with the three toggles (each enabled only with the one before
 * it), a default OS profile and a template picker that offers only the templates that profile can run, a dry
 * run, and the server's problems next to the rows. Submitting opens the job's live progress.
 */
import { Alert, Button, FileInput, Group, Select, Stack, Switch, Table, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { useMemo, useState } from 'react';
import { readOsProfiles, readTemplates } from '../api/catalog.ts';
import { api, ApiProblem, errorText, unwrap, type HostCsvPlan, type RegistrationCheck, type RegistrationRequest } from '../api/client.ts';
import { submittedRows } from '../failed-rows-csv.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { useLoad } from '../use-load.ts';

interface Toggles {
  onboard: boolean;
  provision: boolean;
  cluster: boolean;
}

/** What happens to a line: the plan's problem, or the dry run's or the server's verdict. */
interface LineResult {
  status: 'succeeded' | 'failed';
  step: string | null;
  message: string;
}

export default function Register() {
  const { project } = useSession();
  const params = { path: { project } };
  const [toggles, setToggles] = useState<Toggles>({ onboard: true, provision: true, cluster: true });
  const [osProfile, setOsProfile] = useState<string | null>(null);
  const [template, setTemplate] = useState<string | null>(null);
  const [showIncompatible, setShowIncompatible] = useState(false);
  const [mode, setMode] = useState<string | null>('csv');
  const [csv, setCsv] = useState('');
  const [form, setForm] = useState({ serial: '', uuid: '', name: '', site: '' });
  const [plan, setPlan] = useState<HostCsvPlan | null>(null);
  const [results, setResults] = useState<Map<number, LineResult>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'dry-run' | 'register' | null>(null);
  const [dryRunSummary, setDryRunSummary] = useState<string | null>(null);

  const profiles = useLoad((signal) => readOsProfiles(project, signal), [project]);
  const templates = useLoad(
    () => (osProfile ? readTemplates(project, { compatibleWithOsProfile: osProfile, explain: true }) : Promise.resolve(null)),
    [project, osProfile],
  );

  const templateOptions = useMemo(() => {
    const compatible = (templates.data?.items ?? []).map((t) => ({
      value: `${t.name}:${t.version}`,
      label: `${t.name}:${t.version} · K3s ${t.kubernetesVersion} · ${t.compatibility?.airGapped ? 'air-gapped' : 'download'}`,
    }));
    const excluded = showIncompatible
      ? (templates.data?.excluded ?? []).map((t) => ({
          value: `${t.name}:${t.version}`,
          label: `${t.name}:${t.version} · ${t.reason.code}: ${t.reason.message}`,
          disabled: true,
        }))
      : [];
    return [...compatible, ...excluded];
  }, [templates.data, showIncompatible]);

  const options = {
    ...(toggles.provision && osProfile ? { osProfile } : {}),
    ...(toggles.cluster && template ? { template } : {}),
    autoProvision: toggles.provision,
    autoCluster: toggles.cluster,
    atomic: false,
  };

  /** The requests to send: the form's one host, or the CSV read by the server (its problems shown by line). */
  async function buildRequests(): Promise<{
    requests: { lines: number[]; request: RegistrationRequest }[];
    plan: HostCsvPlan | null;
  } | null> {
    if (mode === 'form') {
      const host = Object.fromEntries(
        Object.entries(form)
          .filter(([, v]) => v.trim() !== '')
          .map(([k, v]) => [k, v.trim()]),
      );
      return { requests: [{ lines: [1], request: { defaults: options, hosts: [host] } }], plan: null };
    }
    const read = await unwrap(api.POST('/api/v1/projects/{project}/host-csv', { params, body: { csv, ...options } }));
    setPlan(read);
    if (read.problems.length > 0) {
      setResults(new Map());
      setError(
        `${read.problems.length} problem${read.problems.length > 1 ? 's' : ''} in the file; nothing was sent. Fix the lines shown below.`,
      );
      return null;
    }
    return { requests: read.jobs, plan: read };
  }

  /** A 400 naming hosts of a request: shown on their lines. */
  function showRefusal(error: unknown, lines: number[], into: Map<number, LineResult>): boolean {
    if (!(error instanceof ApiProblem) || !error.problem.errors?.some((e) => e.host !== undefined)) return false;
    for (const e of error.problem.errors) {
      if (e.host !== undefined) into.set(lines[e.host] ?? 0, { status: 'failed', step: null, message: `${e.field}: ${e.message}` });
    }
    return true;
  }

  async function dryRun() {
    setBusy('dry-run');
    setError(null);
    setDryRunSummary(null);
    try {
      const built = await buildRequests();
      if (!built) return;
      const found = new Map<number, LineResult>();
      let succeeded = 0;
      let failed = 0;
      for (const { lines, request } of built.requests) {
        try {
          const check = (await unwrap(
            api.POST('/api/v1/projects/{project}/registrations', { params, body: { ...request, dryRun: true } }),
          )) as RegistrationCheck;
          succeeded += check.totals.succeeded;
          failed += check.totals.failed;
          for (const host of check.hosts) {
            found.set(lines[host.index] ?? 0, {
              status: host.status,
              step: host.failedStep,
              message: host.reason ? `${host.reason.code}: ${host.reason.message}` : 'would succeed',
            });
          }
        } catch (e) {
          if (!showRefusal(e, lines, found)) throw e;
          failed += lines.length;
        }
      }
      setResults(found);
      setDryRunSummary(`Dry run: ${succeeded} would succeed, ${failed} would fail; nothing was written.`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  async function register() {
    setBusy('register');
    setError(null);
    try {
      const built = await buildRequests();
      if (!built) return;
      const ids: string[] = [];
      const refused = new Map<number, LineResult>();
      for (const { lines, request } of built.requests) {
        try {
          const job = await unwrap(
            api.POST('/api/v1/projects/{project}/registrations', { params: { ...params, query: { wait: 0 } }, body: request }),
          );
          if ('id' in job) {
            ids.push(job.id);
            if (built.plan) {
              const cellsByLine = new Map(built.plan.rows.map((r) => [r.line, r.cells]));
              submittedRows.save(
                job.id,
                lines.map((line) => cellsByLine.get(line) ?? {}),
              );
            }
          }
        } catch (e) {
          if (!showRefusal(e, lines, refused)) throw e;
        }
      }
      if (refused.size > 0) {
        setResults(refused);
        setError('The server refused some rows; they are marked below.');
      }
      if (ids.length === 1 && refused.size === 0) navigate(`/registrations/${ids[0]}`);
      else if (ids.length > 0) setDryRunSummary(`Submitted ${ids.length} registration jobs: ${ids.join(', ')}. See Registrations.`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  const banner = toggles.cluster
    ? `Each host is registered, gets an instance on ${osProfile ?? 'its OS profile'} and a single-node cluster from ${template ?? 'its template'}.`
    : toggles.provision
      ? `Each host is registered and gets an instance on ${osProfile ?? 'its OS profile'}; no cluster is created.`
      : 'Each host is only registered: it onboards when its agent enrolls; nothing is provisioned.';

  return (
    <Stack maw={1100}>
      <PageTitle>Register hosts</PageTitle>
      <Group align="flex-start" gap="xl">
        <Stack gap="xs">
          <Switch
            label="Onboard automatically"
            description="Hosts onboard when their agent enrolls (approval of onboarding is not available yet)"
            checked={toggles.onboard}
            disabled
            onChange={() => undefined}
          />
          <Switch
            label="Provision automatically"
            checked={toggles.provision}
            disabled={!toggles.onboard}
            onChange={(e) => {
              const provision = e.currentTarget.checked;
              setToggles((t) => ({ ...t, provision, cluster: provision && t.cluster }));
            }}
          />
          <Switch
            label="Create cluster automatically"
            description="Only with Provision automatically"
            checked={toggles.cluster}
            disabled={!toggles.provision}
            onChange={(e) => {
              const cluster = e.currentTarget.checked;
              setToggles((t) => ({ ...t, cluster }));
            }}
          />
        </Stack>
        <Stack gap="xs" w={460}>
          <Select
            label="Default OS profile"
            placeholder="Pick an OS profile"
            data={(profiles.data ?? []).map((p) => ({
              value: p.name,
              label: `${p.name} ${p.version}${p.kubernetes ? ` · embeds K3s ${p.kubernetes.version}` : ' · no embedded K3s'}`,
            }))}
            value={osProfile}
            onChange={(value) => {
              setOsProfile(value);
              setTemplate(null);
            }}
            disabled={!toggles.provision}
            clearable
          />
          <Select
            label="Default cluster template"
            placeholder={osProfile ? 'Templates this OS profile can run' : 'Pick an OS profile first'}
            data={templateOptions}
            value={template}
            onChange={setTemplate}
            disabled={!toggles.cluster || !osProfile}
            clearable
          />
          <Switch
            label="Show incompatible templates"
            checked={showIncompatible}
            onChange={(e) => setShowIncompatible(e.currentTarget.checked)}
            disabled={!osProfile}
          />
          {showIncompatible && (templates.data?.excluded?.length ?? 0) > 0 && (
            <Table aria-label="Incompatible templates">
              <Table.Tbody>
                {templates.data!.excluded!.map((t) => (
                  <Table.Tr key={`${t.name}:${t.version}`} c="dimmed">
                    <Table.Td>
                      {t.name}:{t.version}
                    </Table.Td>
                    <Table.Td>
                      {t.reason.code}: {t.reason.message}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Group>
      <Alert color="blue" title="What will happen" aria-live="polite">
        {banner} Rows of a CSV override the defaults with their OSProfile, K8sEnable and K8sClusterTemplate cells.
      </Alert>
      <Tabs value={mode} onChange={setMode}>
        <Tabs.List>
          <Tabs.Tab value="csv">Many hosts (CSV)</Tabs.Tab>
          <Tabs.Tab value="form">One host</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="csv" pt="sm">
          <Stack gap="xs">
            <FileInput
              label="EMF bulk-import CSV"
              placeholder="Choose a .csv file"
              accept=".csv,text/csv"
              onChange={async (file) => {
                setPlan(null);
                setResults(new Map());
                setCsv(file ? await file.text() : '');
              }}
            />
            <Textarea
              label="or paste the CSV"
              autosize
              minRows={3}
              maxRows={10}
              value={csv}
              onChange={(e) => setCsv(e.currentTarget.value)}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="form" pt="sm">
          <Group grow>
            {(['serial', 'uuid', 'name', 'site'] as const).map((field) => (
              <TextInput
                key={field}
                label={field === 'uuid' ? 'UUID' : field[0]!.toUpperCase() + field.slice(1)}
                value={form[field]}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setForm((f) => ({ ...f, [field]: value }));
                }}
              />
            ))}
          </Group>
        </Tabs.Panel>
      </Tabs>
      <Group>
        <Button variant="default" onClick={dryRun} loading={busy === 'dry-run'} disabled={busy !== null}>
          Dry run
        </Button>
        <Button onClick={register} loading={busy === 'register'} disabled={busy !== null}>
          Register
        </Button>
        <Link href="/registrations">All registrations</Link>
      </Group>
      <ErrorAlert error={error} title="Not registered" />
      {dryRunSummary && <Text role="status">{dryRunSummary}</Text>}
      {mode === 'csv' && plan && <PlanTable plan={plan} results={results} />}
      {mode === 'form' && results.size > 0 && <Text>{[...results.values()].map((r) => r.message).join('; ')}</Text>}
    </Stack>
  );
}

/** Every line of the file: its cells, then the file's problems or the dry run's verdict beside it. */
function PlanTable({ plan, results }: { plan: HostCsvPlan; results: Map<number, LineResult> }) {
  const problems = new Map<number, string[]>();
  for (const p of plan.problems)
    problems.set(p.line, [...(problems.get(p.line) ?? []), p.column ? `${p.column}: ${p.message}` : p.message]);
  const lines = [...new Set([...plan.rows.map((r) => r.line), ...problems.keys()])].sort((a, b) => a - b);
  const cells = new Map(plan.rows.map((r) => [r.line, r.cells]));
  return (
    <Table striped aria-label="Rows of the file">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Line</Table.Th>
          <Table.Th>Serial</Table.Th>
          <Table.Th>UUID</Table.Th>
          <Table.Th>OS profile</Table.Th>
          <Table.Th>Template</Table.Th>
          <Table.Th>Check</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((line) => {
          const row = cells.get(line);
          const result = results.get(line);
          return (
            <Table.Tr key={line} data-line={line}>
              <Table.Td>{line}</Table.Td>
              <Table.Td>{row?.['Serial']}</Table.Td>
              <Table.Td>{row?.['UUID']}</Table.Td>
              <Table.Td>{row?.['OSProfile']}</Table.Td>
              <Table.Td>{row?.['K8sClusterTemplate']}</Table.Td>
              <Table.Td>
                {problems.get(line)?.map((p) => (
                  <Text key={p} size="sm" c="red.9">
                    {p}
                  </Text>
                ))}
                {result && (
                  <Group gap="xs" wrap="nowrap">
                    <StatusBadge status={result.status} />
                    <Text size="sm">
                      {result.step ? `${result.step}: ` : ''}
                      {result.message}
                    </Text>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
