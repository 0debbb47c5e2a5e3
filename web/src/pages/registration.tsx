/**
 * A registration job's progress, live: the job is long-polled (the server answers when it moves), the hosts are
 * paged by the server, each host shows each step with its status and the failing step's reason. Only the rows in
 * view are rendered, so a page of 500 hosts of a 10,000-host job scrolls smoothly. Failed hosts can be retried and
 * downloaded as the EMF CSV to fix and import again.
 */
import { Button, Group, Progress, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { STEP_NAMES } from '../../../src/contract/ui-vocabulary.ts';
import { api, errorText, unwrap, type RegistrationHost } from '../api/client.ts';
import { downloadText, renderFailedRowsCsv, submittedRows } from '../failed-rows-csv.ts';
import { ErrorAlert, Link, PageTitle, StatusBadge } from '../parts.tsx';
import { useCan, useSession } from '../session.tsx';
import { useLongPoll } from '../use-long-poll.ts';

const PAGE = 500;
const ROW_HEIGHT = 41;
const VIEW_HEIGHT = 600;

export default function Registration({ params: [id = ''] }: { params: string[] }) {
  const { project } = useSession();
  const canRetry = useCan('hosts:write');
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<'all' | 'failed'>('all');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [hosts, setHosts] = useState<RegistrationHost[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const [retries, setRetries] = useState(0);

  // The job, long-polled: each answer is the job as it moved since the revision before.
  const progress = useLongPoll(
    async (query, signal) => {
      const answer = await unwrap(
        api.GET('/api/v1/projects/{project}/registrations/{id}/progress', { params: { path: { project, id }, query }, signal }),
      );
      return { revision: answer.revision, value: answer.job };
    },
    [project, id, retries],
  );
  const job = progress.data ?? null;

  // The page of hosts shown, read again whenever the job moves.
  const cursor = cursors[cursors.length - 1];
  const revision = job ? JSON.stringify([job.status, job.totals, job.stepTotals]) : '';
  useEffect(() => {
    if (!job) return;
    let current = true;
    unwrap(
      api.GET('/api/v1/projects/{project}/registrations/{id}/hosts', {
        params: {
          path: { project, id },
          query: { limit: PAGE, ...(cursor ? { cursor } : {}), ...(filter === 'failed' ? { status: 'failed' as const } : {}) },
        },
      }),
    ).then(
      (page) => {
        if (!current) return;
        setHosts(page.items);
        setNextCursor(page.nextCursor);
      },
      (e: unknown) => current && setError(errorText(e)),
    );
    return () => {
      current = false;
    };
  }, [project, id, cursor, filter, revision]);

  async function retry() {
    setRetrying(true);
    try {
      await unwrap(api.POST('/api/v1/projects/{project}/registrations/{id}/retry', { params: { path: { project, id } } }));
      setRetries((r) => r + 1);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRetrying(false);
    }
  }

  async function downloadFailed() {
    const failed: RegistrationHost[] = [];
    let next: string | null | undefined;
    do {
      const page = await unwrap(
        api.GET('/api/v1/projects/{project}/registrations/{id}/hosts', {
          params: { path: { project, id }, query: { status: 'failed', limit: 500, ...(next ? { cursor: next } : {}) } },
        }),
      );
      failed.push(...page.items);
      next = page.nextCursor;
    } while (next);
    downloadText(`registration-${id}.failed.csv`, renderFailedRowsCsv(failed, submittedRows.load(id)));
  }

  const done = job ? job.totals.succeeded + job.totals.failed : 0;
  return (
    <Stack>
      <PageTitle>Registration {id}</PageTitle>
      <ErrorAlert error={error ?? progress.error} />
      {job && (
        <>
          <Group>
            <StatusBadge status={job.status} />
            <Text role="status" aria-live="polite" data-testid="totals">
              {job.totals.succeeded} succeeded · {job.totals.failed} failed · {job.totals.running} running · {job.totals.pending} pending of{' '}
              {job.totals.hosts} hosts
            </Text>
          </Group>
          <Progress value={job.totals.hosts ? (done / job.totals.hosts) * 100 : 0} aria-label="Hosts done" />
          <Table aria-label="Steps" maw={700}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Step</Table.Th>
                <Table.Th>Succeeded</Table.Th>
                <Table.Th>Failed</Table.Th>
                <Table.Th>Running</Table.Th>
                <Table.Th>Pending</Table.Th>
                <Table.Th>Skipped</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {STEP_NAMES.flatMap((step) => {
                const t = job.stepTotals[step];
                return t
                  ? [
                      <Table.Tr key={step}>
                        <Table.Td>{step}</Table.Td>
                        <Table.Td>{t.succeeded}</Table.Td>
                        <Table.Td>{t.failed}</Table.Td>
                        <Table.Td>{t.running}</Table.Td>
                        <Table.Td>{t.pending}</Table.Td>
                        <Table.Td>{t.skipped}</Table.Td>
                      </Table.Tr>,
                    ]
                  : [];
              })}
            </Table.Tbody>
          </Table>
          <Group>
            <SegmentedControl
              aria-label="Hosts shown"
              value={filter}
              onChange={(value) => {
                setFilter(value as 'all' | 'failed');
                setCursors([undefined]);
              }}
              data={[
                { value: 'all', label: 'All hosts' },
                { value: 'failed', label: 'Failed hosts' },
              ]}
            />
            {canRetry && (
              <Button onClick={retry} loading={retrying} disabled={job.totals.failed === 0 || job.status === 'running'}>
                Retry failed hosts
              </Button>
            )}
            <Button variant="default" onClick={downloadFailed} disabled={job.totals.failed === 0}>
              Download failed rows (CSV)
            </Button>
          </Group>
          <HostSteps hosts={hosts} />
          <Group>
            <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous page
            </Button>
            <Button variant="default" disabled={!nextCursor} onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}>
              Next page
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

function HostSteps({ hosts }: { hosts: RegistrationHost[] }) {
  const view = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: hosts.length, getScrollElement: () => view.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const shown = rows.getVirtualItems();
  // Spacer rows stand in for the rows out of view, so the table keeps its columns and the scrollbar its length.
  const before = shown[0]?.start ?? 0;
  const after = rows.getTotalSize() - (shown.at(-1)?.end ?? 0);
  const columns = STEP_NAMES.length + 4;
  return (
    <div ref={view} role="region" aria-label="Hosts of this page" tabIndex={0} style={{ maxHeight: VIEW_HEIGHT, overflowY: 'auto' }}>
      <Table striped stickyHeader aria-label="Hosts and their steps" aria-rowcount={hosts.length + 1}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Status</Table.Th>
            {STEP_NAMES.map((step) => (
              <Table.Th key={step}>{step}</Table.Th>
            ))}
            <Table.Th>Why it failed</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {before > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns} style={{ height: before, padding: 0 }} />
            </tr>
          )}
          {shown.map(({ index }) => {
            const host = hosts[index]!;
            const failed = host.steps.find((s) => s.status === 'failed');
            return (
              <Table.Tr key={host.index} data-host={host.name} aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
                <Table.Td>{host.index}</Table.Td>
                <Table.Td>{host.hostId ? <Link href={`/hosts/${host.hostId}`}>{host.name}</Link> : host.name}</Table.Td>
                <Table.Td>
                  <StatusBadge status={host.status} />
                </Table.Td>
                {STEP_NAMES.map((name) => {
                  const step = host.steps.find((s) => s.step === name);
                  return <Table.Td key={name}>{step ? <StatusBadge status={step.status} /> : '—'}</Table.Td>;
                })}
                <Table.Td>{failed?.reason ? `${failed.step}: ${failed.reason.code}: ${failed.reason.message}` : ''}</Table.Td>
              </Table.Tr>
            );
          })}
          {after > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns} style={{ height: after, padding: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
    </div>
  );
}
