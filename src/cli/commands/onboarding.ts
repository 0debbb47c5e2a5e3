/**
 * `edge-orch onboarding show|set auto|approval`: whether enrolling hosts onboard at once or wait for approval;
 * `edge-orch onboarding requests|approve|reject`: the lobby of unknown machines that enrolled and wait.
 */
import { Argument, Option, type Command } from 'commander';
import type { OnboardingRequest } from '../../domain/enrollment/onboarding-request.ts';
import { ONBOARDING_REQUEST_STATES } from '../../domain/enrollment/onboarding-request.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { commandContext, runAction } from '../command-context.ts';
import { renderOutput, type Column } from '../output/output.ts';

const REQUEST_COLUMNS: Column<OnboardingRequest>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'UUID', value: (r) => r.uuid ?? '' },
  { header: 'SERIAL', value: (r) => r.serial ?? '' },
  { header: 'HOSTNAME', value: (r) => r.facts.hostname ?? '' },
  { header: 'STATE', value: (r) => r.state },
  { header: 'TOKEN', value: (r) => r.tokenName },
  { header: 'FIRST SEEN', value: (r) => r.firstSeenAt },
  { header: 'LAST SEEN', value: (r) => r.lastSeenAt },
];
const HOST_COLUMNS: Column<Host>[] = [
  { header: 'ID', value: (h) => h.id },
  { header: 'NAME', value: (h) => h.name },
  { header: 'STATE', value: (h) => h.state },
];

const describeSetting = ({ autoOnboard }: { autoOnboard: boolean }): string =>
  autoOnboard
    ? 'hosts onboard automatically when their agent enrolls'
    : 'enrolling hosts wait for approval (edge-orch host list --state awaiting-approval; edge-orch host approve <host>), unknown machines too (edge-orch onboarding requests)';

export function registerOnboardingCommands(program: Command): void {
  const onboarding = program.command('onboarding').description("The project's onboarding: automatic, or after approval");

  onboarding
    .command('show')
    .description('Show whether hosts onboard automatically')
    .action(
      runAction(async function showAction(this: Command) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const setting = await client.get<{ autoOnboard: boolean }>(client.projectPath('/onboarding'));
        ctx.print(ctx.format === 'table' ? describeSetting(setting) : JSON.stringify(setting));
      }),
    );

  onboarding
    .command('set')
    .description('Set how hosts onboard (admin only); a host registered with --onboard keeps its own setting')
    .addArgument(
      new Argument('<mode>', 'auto: when the agent enrolls; approval: after an onboarding manager approves').choices(['auto', 'approval']),
    )
    .action(
      runAction(async function setAction(this: Command, mode: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const setting = await client.put<{ autoOnboard: boolean }>(client.projectPath('/onboarding'), { autoOnboard: mode === 'auto' });
        ctx.print(ctx.format === 'table' ? describeSetting(setting) : JSON.stringify(setting));
      }),
    );

  onboarding
    .command('requests')
    .description('List the unknown machines that enrolled and wait for approval (onboarding managers)')
    .addOption(new Option('--state <state>', 'pending (default) or rejected').choices([...ONBOARDING_REQUEST_STATES]).default('pending'))
    .option('--limit <n>', 'page size (1-500)', '100')
    .action(
      runAction(async function requestsAction(this: Command) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const { state, limit } = this.opts<{ state: string; limit: string }>();
        const page = await client.get<{ items: OnboardingRequest[] }>(client.projectPath('/onboarding-requests'), { state, limit });
        ctx.print(renderOutput(ctx.format, page, page.items, REQUEST_COLUMNS));
      }),
    );

  onboarding
    .command('approve <request>')
    .description("Approve an unknown machine: it is registered as a host and its agent's waiting enrollment onboards it")
    .option('--name <name>', "the host's name (default: derived from its serial, or its uuid)")
    .action(
      runAction(async function approveAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const { name } = this.opts<{ name?: string }>();
        const host = await client.post<Host>(client.projectPath(`/onboarding-requests/${encodeURIComponent(id)}/approve`), {
          ...(name !== undefined ? { name } : {}),
        });
        ctx.print(renderOutput(ctx.format, host, [host], HOST_COLUMNS));
      }),
    );

  onboarding
    .command('reject <request>')
    .description('Reject an unknown machine: it is refused whenever it enrolls again')
    .action(
      runAction(async function rejectAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const request = await client.post<OnboardingRequest>(
          client.projectPath(`/onboarding-requests/${encodeURIComponent(id)}/reject`),
          {},
        );
        ctx.print(renderOutput(ctx.format, request, [request], REQUEST_COLUMNS));
      }),
    );
}
