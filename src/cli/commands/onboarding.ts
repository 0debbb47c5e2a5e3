/** `edge-orch onboarding show|set auto|approval`: whether enrolling hosts onboard at once or wait for approval. */
import { Argument, type Command } from 'commander';
import { commandContext, runAction } from '../command-context.ts';

const describeSetting = ({ autoOnboard }: { autoOnboard: boolean }): string =>
  autoOnboard
    ? 'hosts onboard automatically when their agent enrolls'
    : 'enrolling hosts wait for approval (edge-orch host list --state awaiting-approval; edge-orch host approve <host>)';

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
}
