/** `edge-orch registration list|get|retry`: registration jobs as the server keeps them (per host, per step). */
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.ts';
import { commandContext, runAction } from '../command-context.ts';
import { renderOutput, renderTable } from '../output/output.ts';
import {
  HOST_COLUMNS,
  JOB_COLUMNS,
  STEP_SUMMARY_COLUMNS,
  summarizeSteps,
  type RegistrationHostView,
  type RegistrationJobView,
} from '../output/registration-views.ts';

const jobPath = (client: ApiClient, id: string, rest = ''): string => client.projectPath(`/registrations/${encodeURIComponent(id)}${rest}`);

/** Every host of the job with the status, following the pages. */
async function allHosts(client: ApiClient, id: string, status: string | undefined): Promise<RegistrationHostView[]> {
  const hosts: RegistrationHostView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: RegistrationHostView[]; nextCursor: string | null } = await client.get(jobPath(client, id, '/hosts'), {
      limit: 500,
      ...(status ? { status } : {}),
      ...(cursor ? { cursor } : {}),
    });
    hosts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return hosts;
}

function renderJob(job: RegistrationJobView, hosts: RegistrationHostView[]): string {
  return [
    `job ${job.id}: ${job.status}, ${job.totals.succeeded} of ${job.totals.hosts} hosts succeeded, ${job.totals.failed} failed`,
    '',
    renderTable(summarizeSteps([job]), STEP_SUMMARY_COLUMNS),
    ...(hosts.length > 0 ? ['', renderTable(hosts, HOST_COLUMNS)] : []),
  ].join('\n');
}

export function registerRegistrationCommands(program: Command): void {
  const registration = program
    .command('registration')
    .description("Registration jobs: each host's steps (register, provision, cluster) and their results");

  registration
    .command('list')
    .description('List registration jobs, newest first')
    .action(
      runAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const { items } = await client.get<{ items: RegistrationJobView[] }>(client.projectPath('/registrations'));
        ctx.print(renderOutput(ctx.format, items, items, JOB_COLUMNS));
      }),
    );

  registration
    .command('get <id>')
    .description('Show a job: totals per step, and its hosts (all, or only --failed)')
    .option('--failed', 'only the hosts that failed, with the step and reason')
    .action(
      runAction(async function getAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const { failed } = this.opts<{ failed?: boolean }>();
        const client = ctx.client();
        const job = await client.get<RegistrationJobView>(jobPath(client, id));
        const hosts = await allHosts(client, id, failed ? 'failed' : undefined);
        ctx.print(
          ctx.format === 'table' ? renderJob(job, hosts) : renderOutput(ctx.format, { ...job, hosts, hostsNextCursor: null }, [], []),
        );
      }),
    );

  registration
    .command('retry <id>')
    .description('Run the failed hosts again from their failed step; what succeeded is kept')
    .action(
      runAction(async function retryAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const job = await client.post<RegistrationJobView>(jobPath(client, id, '/retry'));
        ctx.print(renderOutput(ctx.format, job, [job], JOB_COLUMNS));
      }),
    );
}
