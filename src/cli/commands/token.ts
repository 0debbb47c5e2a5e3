/**
 * `edge-orch token create|list|delete`: API tokens bound to a role (admin only), optionally expiring. A secret is
 * printed once, when it is created; the server keeps only its hash.
 */
import { Option, type Command } from 'commander';
import { ROLES } from '../../domain/roles.ts';
import { commandContext, runAction } from '../command-context.ts';
import { readExpiryFlags } from '../expiry-flags.ts';
import { renderOutput, type Column } from '../output/output.ts';

interface TokenView {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  token?: string;
}

const COLUMNS: Column<TokenView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'CREATED', value: (t) => t.createdAt },
  { header: 'EXPIRES', value: (t) => t.expiresAt ?? 'never' },
];
const CREATED_COLUMNS: Column<TokenView>[] = [...COLUMNS, { header: 'SECRET (shown once)', value: (t) => t.token }];

/** The expiry options `token create` and `enrollment-token create` share. */
export function addExpiryOptions(command: Command): Command {
  return command
    .option('--expires-in <duration>', 'expire after this long: 90m, 12h, 30d (default: never)')
    .option('--expires-at <time>', 'expire at this ISO 8601 time, like 2030-01-31T12:00:00Z');
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens of the project, each bound to a role (admin only)');

  addExpiryOptions(
    token
      .command('create')
      .description('Create an API token; its secret is printed once')
      .requiredOption('--name <name>', 'what the token is for')
      .addOption(new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory()),
  ).action(
    runAction(async function createAction(this: Command) {
      const ctx = commandContext(this);
      const client = ctx.client();
      const { name, role, ...expiry } = this.opts<{ name: string; role: string; expiresIn?: string; expiresAt?: string }>();
      const created = await client.post<TokenView>(client.projectPath('/tokens'), { name, role, ...readExpiryFlags(expiry) });
      ctx.print(renderOutput(ctx.format, created, [created], CREATED_COLUMNS));
    }),
  );

  token
    .command('list')
    .description('List API tokens (never their secrets)')
    .option('--limit <n>', 'page size (1-500)', '100')
    .option('--all', 'follow pages to the end')
    .action(
      runAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const { limit, all } = this.opts<{ limit: string; all?: boolean }>();
        const client = ctx.client();
        const items: TokenView[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: TokenView[]; nextCursor: string | null } = await client.get(client.projectPath('/tokens'), {
            limit,
            ...(cursor ? { cursor } : {}),
          });
          items.push(...page.items);
          cursor = all ? page.nextCursor : null;
        } while (cursor);
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
}
