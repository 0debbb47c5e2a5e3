/**
 * `edge-orch token create|list|delete` (API tokens bound to a role, admin only) and `edge-orch enrollment-token
 * create` (what agents enroll with). A secret is printed once, when it is created; the server keeps only its hash.
 */
import { Option, type Command } from 'commander';
import { ROLES } from '../../domain/roles.ts';
import { commandContext, runAction } from '../command-context.ts';
import { renderOutput, type Column } from '../output/output.ts';

interface TokenView {
  id: string;
  name: string;
  role?: string;
  createdAt: string;
  token?: string;
}

const COLUMNS: Column<TokenView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'CREATED', value: (t) => t.createdAt },
];
const CREATED_COLUMNS: Column<TokenView>[] = [...COLUMNS, { header: 'SECRET (shown once)', value: (t) => t.token }];

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens of the project, each bound to a role (admin only)');

  token
    .command('create')
    .description('Create an API token; its secret is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory())
    .action(
      runAction(async function createAction(this: Command) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const created = await client.post<TokenView>(client.projectPath('/tokens'), this.opts<{ name: string; role: string }>());
        ctx.print(renderOutput(ctx.format, created, [created], CREATED_COLUMNS));
      }),
    );

  token
    .command('list')
    .description('List API tokens (never their secrets)')
    .action(
      runAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const { items } = await client.get<{ items: TokenView[] }>(client.projectPath('/tokens'));
        ctx.print(renderOutput(ctx.format, items, items, COLUMNS));
      }),
    );

  token
    .command('delete <id>')
    .description('Revoke an API token')
    .action(
      runAction(async function deleteAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        await client.delete(client.projectPath(`/tokens/${encodeURIComponent(id)}`));
        ctx.print(`token ${id} deleted`);
      }),
    );

  program
    .command('enrollment-token')
    .description('Enrollment tokens: what edge agents enroll with (edge-orch agent --enroll-token)')
    .command('create <name>')
    .description('Create an enrollment token for the project; its secret is printed once')
    .action(
      runAction(async function createEnrollmentAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const created = await client.post<TokenView>(client.projectPath('/enrollment-tokens'), { name });
        ctx.print(renderOutput(ctx.format, created, [created], CREATED_COLUMNS));
      }),
    );
}
