/**
 * `edge-orch host import FILE`: the EMF bulk CSV as registration jobs. The whole file is checked before anything
 * is sent (exit 2 on any row problem); then the jobs run on the server while a progress bar shows the counts,
 * and the rows that failed are written back to a CSV whose last column says which step failed and why.
 * Exit codes: 0 every row succeeded (or would), 1 some row failed (or would), 2 the file or flags are wrong.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Static } from 'typebox';
import { AppError, isAppError } from '../../domain/errors.ts';
import { readHostCsv, writeFailedRowsCsv, type HostCsv, type HostCsvFailure } from '../../interchange/host-csv.ts';
import {
  formatHostCsvError,
  formatHostCsvNote,
  UNUSED_COLUMNS,
  type HostCsvError,
  type HostCsvNote,
  type HostCsvRow,
} from '../../interchange/host-csv-format.ts';
import { computeHostImportJobs, formatRefusedHosts, type HostImportJob, type RefusedHost } from '../../interchange/host-import-jobs.ts';
import { resolveOsProfileRef, type OsProfileRefTarget } from '../../interchange/os-profile-ref.ts';
import { MAX_REGISTRATION_HOSTS } from '../../domain/registration/registration-request.ts';
import type { StepName } from '../../domain/registration/registration-steps.ts';
import { parseTemplateRef, type TemplateRef } from '../../domain/inventory/template.ts';
import { readAllPages } from '../../contract/read-all-pages.ts';
import type { RegistrationCheck, RegistrationHostList } from '../../contract/registration.schema.ts';
import type { ApiClient } from '../api-client.ts';
import { commandContext, reportError, runAction, type CommandContext } from '../command-context.ts';
import { renderOutput, renderTable, type Column } from '../output/output.ts';
import { STEP_SUMMARY_COLUMNS, summarizeSteps, type RegistrationJobView as Job } from '../output/registration-views.ts';

type Check = Static<typeof RegistrationCheck>;
type HostPage = Static<typeof RegistrationHostList>;

const POLL_MS = 500;
/** Without a terminal, a progress line at most this often. */
const PLAIN_PROGRESS_MS = 5_000;
const FAILED_PAGE = 500;

interface ImportFlags {
  osProfile?: string;
  template?: string;
  autoProvision?: boolean;
  autoCluster?: boolean;
  atomic?: boolean;
  dryRun?: boolean;
  failedOut?: string;
}

interface CheckedRow {
  line: number;
  serial: string | null;
  uuid: string | null;
  status: 'succeeded' | 'failed';
  failedStep: StepName | null;
  reason: { code: string; message: string } | null;
}

const CHECK_COLUMNS: Column<CheckedRow>[] = [
  { header: 'LINE', value: (r) => r.line },
  { header: 'SERIAL', value: (r) => r.serial },
  { header: 'UUID', value: (r) => r.uuid },
  { header: 'STEP', value: (r) => r.failedStep },
  { header: 'REASON', value: (r) => (r.reason ? `${r.reason.code}: ${r.reason.message}` : null) },
];

/** `hosts.csv` → `hosts.failed.csv`: the file's name with `.failed.csv` in place of `.csv`, beside it. */
export const defaultFailedOut = (file: string): string => `${file.replace(/\.csv$/i, '')}.failed.csv`;

export function registerHostImportCommand(host: Command): void {
  host
    .command('import <file>')
    .description(
      'Register the hosts of an EMF bulk-import CSV (Serial,UUID,OSProfile,…,K8sEnable,K8sClusterTemplate,K8sConfig,Error - do not fill)',
    )
    .option(
      '--os-profile <name>',
      "OS profile of every provisioned row, replacing the rows' OSProfile as orch-cli's flag does (a name, display name or resource id)",
    )
    .option('--template <name:version>', 'cluster template for rows with a cluster whose K8sClusterTemplate is empty')
    .option('--auto-provision', 'provision every row (rows naming an OSProfile or getting a cluster always are)')
    .option('--auto-cluster', 'give rows whose K8sEnable is empty a single-node cluster (K8sEnable true/false decides per row)')
    .option('--atomic', "undo a host's completed steps when a later step fails")
    .option('--dry-run', 'check every row on the server (inventory, profiles, templates, compatibility) without writing anything')
    .option('--failed-out <path>', 'where to write the failed rows (default: beside the file, hosts.csv → hosts.failed.csv)')
    .action(
      runAction(async function importAction(this: Command, file: string) {
        const ctx = commandContext(this);
        const flags = this.opts<ImportFlags>();
        const client = ctx.client();
        const planned = await planImport(file, flags, client);
        if (!planned) return;
        try {
          if (flags.dryRun) await dryRun(ctx, client, planned.jobs);
          else await runJobs(ctx, client, planned.jobs, planned.rows, flags.failedOut ?? defaultFailedOut(file));
        } catch (error) {
          if (!isAppError(error) || error.extra?.['refusedRows'] !== true) throw error;
          reportError(error);
          process.exitCode = 2;
        }
      }),
    );
}

/**
 * Reads and checks the file and flags, then resolves the rows' OS profiles against the project's; prints every
 * problem (up to the listing bound) and every note, and sets exit code 2 when there are problems.
 */
async function planImport(
  file: string,
  flags: ImportFlags,
  client: ApiClient,
): Promise<{ rows: HostCsvRow[]; jobs: HostImportJob[] } | null> {
  const fail = (problems: string[]): null => {
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.exitCode = 2;
    return null;
  };
  const failRows = (errors: readonly HostCsvError[], count: number): null =>
    fail([
      ...errors.map((e) => `${file}: ${formatHostCsvError(e)}`),
      ...(count > errors.length ? [`${file}: … and ${count - errors.length} more problems, not listed`] : []),
      `error: ${count} problem${count > 1 ? 's' : ''} in ${file}; nothing was sent to the server`,
    ]);
  const printNotes = (notes: readonly HostCsvNote[]): void => {
    for (const note of notes) process.stderr.write(`note: ${file}: ${formatHostCsvNote(note)}\n`);
  };
  let template: TemplateRef | null;
  try {
    template = flags.template ? parseTemplateRef(flags.template, '--template') : null;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return fail([`error: ${error.detail}`]);
  }
  let csv: HostCsv;
  try {
    csv = await readHostCsv(createReadStream(file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === undefined) throw cause;
    return fail([`error: cannot read ${file}: ${code}`]);
  }
  if (csv.unusedColumnsFilled.length > 0) {
    process.stderr.write(
      `note: ${csv.unusedColumnsFilled.join(', ')} ${csv.unusedColumnsFilled.length > 1 ? 'are' : 'is'} checked for syntax only: ` +
        `edge-orch does not use the EMF columns ${UNUSED_COLUMNS.join(', ')} (it has no secure boot, remote user, LVM or cloud-init settings)\n`,
    );
  }
  printNotes(csv.notes);
  if (csv.errorCount > 0) return failRows(csv.errors, csv.errorCount);
  const needsProfiles = flags.osProfile !== undefined || csv.rows.some((r) => r.osProfile !== null);
  const profiles = needsProfiles ? await listOsProfiles(client) : [];
  let osProfile: OsProfileRefTarget | null = null;
  if (flags.osProfile !== undefined) {
    const resolved = resolveOsProfileRef(flags.osProfile, profiles);
    if (!resolved.ok) return fail(resolved.problems.map((p) => `error: --os-profile: ${p}`));
    osProfile = resolved.value;
  }
  const options = {
    osProfile,
    template,
    autoProvision: flags.autoProvision === true,
    autoCluster: flags.autoCluster === true,
    atomic: flags.atomic === true,
    profiles,
  };
  const planned = computeHostImportJobs(csv.rows, options, MAX_REGISTRATION_HOSTS);
  printNotes(planned.notes);
  if (planned.errorCount > 0) return failRows(planned.errors, planned.errorCount);
  return { rows: csv.rows, jobs: planned.jobs };
}

/** The project's OS profiles as the API lists them (every page); displayName, resourceId and securityFeature when it has them. */
function listOsProfiles(client: ApiClient): Promise<OsProfileRefTarget[]> {
  return readAllPages((cursor) =>
    client.get<{ items: OsProfileRefTarget[]; nextCursor: string | null }>(client.projectPath('/osprofiles'), { limit: 500, cursor }),
  );
}

const registrationsPath = (client: ApiClient, suffix = ''): string => client.projectPath(`/registrations${suffix}`);

/** POSTs a job; a 400 listing problems of its hosts becomes an error naming their CSV lines, which exits 2. */
async function submit<T>(client: ApiClient, job: HostImportJob, body: unknown, query: string): Promise<T> {
  try {
    return await client.post<T>(`${registrationsPath(client)}${query}`, body);
  } catch (error) {
    const refused = isAppError(error) && error.code === 'InvalidField' ? (error.extra?.['errors'] as RefusedHost[] | undefined) : undefined;
    if (!isAppError(error) || !refused?.length) throw error;
    const lines = formatRefusedHosts(job, refused);
    throw new AppError('InvalidField', `the server refused the rows:\n${lines.join('\n')}`, {
      field: error.field ?? 'hosts',
      cause: error,
      extra: { refusedRows: true },
    });
  }
}

async function dryRun(ctx: CommandContext, client: ApiClient, jobs: HostImportJob[]): Promise<void> {
  const checked: CheckedRow[] = [];
  for (const job of jobs) {
    const check = await submit<Check>(client, job, { ...job.body, dryRun: true }, '');
    for (const host of check.hosts) {
      const row = job.rows[host.index]!;
      checked.push({
        line: row.line,
        serial: row.registration.serial,
        uuid: row.registration.uuid,
        status: host.status,
        failedStep: host.failedStep,
        reason: host.reason ? { code: host.reason.code, message: host.reason.message } : null,
      });
    }
  }
  checked.sort((a, b) => a.line - b.line);
  const failed = checked.filter((r) => r.status === 'failed');
  const totals = { rows: checked.length, succeeded: checked.length - failed.length, failed: failed.length };
  if (ctx.format === 'table') {
    if (failed.length > 0) ctx.print(renderTable(failed, CHECK_COLUMNS));
    ctx.print(`dry run: ${totals.rows} rows checked, ${totals.succeeded} would succeed, ${totals.failed} would fail; nothing was written`);
  } else {
    ctx.print(renderOutput(ctx.format, { dryRun: true, valid: failed.length === 0, totals, rows: checked }, [], CHECK_COLUMNS));
  }
  process.exitCode = failed.length === 0 ? 0 : 1;
}

async function runJobs(
  ctx: CommandContext,
  client: ApiClient,
  jobs: HostImportJob[],
  rows: HostCsvRow[],
  failedOut: string,
): Promise<void> {
  const started: Job[] = [];
  for (const job of jobs) {
    const created = await submit<Job>(client, job, job.body, '?wait=0');
    started.push(created);
    const { autoProvision, autoCluster } = created.options;
    process.stderr.write(
      `registration job ${created.id}: ${job.rows.length} host${job.rows.length === 1 ? '' : 's'} (${autoCluster ? 'register, provision, cluster' : autoProvision ? 'register, provision' : 'register only'})\n`,
    );
  }
  const finished = await pollJobs(client, started);
  const steps = summarizeSteps(finished);
  const failures: HostCsvFailure[] = [];
  for (const [i, job] of finished.entries()) if (job.totals.failed > 0) failures.push(...(await loadFailures(client, job, jobs[i]!)));
  const totals = { hosts: rows.length, succeeded: finished.reduce((n, j) => n + j.totals.succeeded, 0), failed: failures.length };
  let failedRowsFile: string | null = null;
  if (failures.length > 0) {
    writeFileSync(failedOut, writeFailedRowsCsv(rows, failures));
    failedRowsFile = failedOut;
  }
  const document = {
    jobs: finished.map((j) => ({ id: j.id, status: j.status, options: j.options, totals: j.totals })),
    totals,
    steps,
    failedRowsFile,
  };
  ctx.print(renderOutput(ctx.format, document, steps, STEP_SUMMARY_COLUMNS));
  if (ctx.format === 'table') {
    ctx.print(`${totals.succeeded} of ${totals.hosts} rows succeeded, ${totals.failed} failed`);
    if (failedRowsFile)
      ctx.print(
        `failed rows written to ${failedRowsFile} (the last column says which step failed and why); fix them and import that file again`,
      );
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

const isFinished = (job: Job): boolean => job.status === 'succeeded' || job.status === 'failed';

/** Polls until every job finished, showing done/succeeded/failed: a bar on a terminal, plain lines otherwise. */
async function pollJobs(client: ApiClient, jobs: Job[]): Promise<Job[]> {
  const current = [...jobs];
  const total = current.reduce((n, j) => n + j.totals.hosts, 0);
  const counts = () => {
    const succeeded = current.reduce((n, j) => n + j.totals.succeeded, 0);
    const failed = current.reduce((n, j) => n + j.totals.failed, 0);
    return { done: succeeded + failed, succeeded, failed };
  };
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 20,
          format: 'registering |{bar}| {value}/{total} done · {succeeded} succeeded · {failed} failed · ETA {eta_formatted}',
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let lastPlain = 0;
  let lastText = '';
  const show = (final: boolean): void => {
    const c = counts();
    if (bar) {
      bar.update(c.done, { succeeded: c.succeeded, failed: c.failed });
      return;
    }
    const text = `registering: ${c.done}/${total} done, ${c.succeeded} succeeded, ${c.failed} failed`;
    if (text !== lastText && (final || Date.now() - lastPlain >= PLAIN_PROGRESS_MS)) {
      process.stderr.write(`${text}\n`);
      lastPlain = Date.now();
      lastText = text;
    }
  };
  bar?.start(total, 0, { succeeded: 0, failed: 0 });
  try {
    show(false);
    while (!current.every(isFinished)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      for (const [i, job] of current.entries()) {
        if (!isFinished(job)) current[i] = await client.get<Job>(registrationsPath(client, `/${encodeURIComponent(job.id)}`));
      }
      show(false);
    }
    show(true);
  } catch (error) {
    bar?.stop();
    process.stderr.write(`\nthe registration jobs keep running on the server: ${current.map((j) => j.id).join(', ')}\n`);
    throw error;
  } finally {
    bar?.stop();
  }
  return current;
}

/** Pages through a job's failed hosts: the step that failed and its reason, by CSV line. */
async function loadFailures(client: ApiClient, job: Job, imported: HostImportJob): Promise<HostCsvFailure[]> {
  const failures: HostCsvFailure[] = [];
  let cursor: string | null = null;
  do {
    const page: HostPage = await client.get<HostPage>(registrationsPath(client, `/${encodeURIComponent(job.id)}/hosts`), {
      status: 'failed',
      limit: FAILED_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const host of page.items) {
      const row = imported.rows[host.index];
      if (!row) continue;
      const step = host.steps.find((s) => s.step === host.failedStep) ?? host.steps.find((s) => s.status === 'failed');
      failures.push({ line: row.line, step: step?.step ?? 'unknown step', message: step?.reason?.message ?? 'failed without a reason' });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return failures;
}
