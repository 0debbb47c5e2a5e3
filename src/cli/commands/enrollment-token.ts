/**
 * `edge-orch enrollment-token create|list|delete`: what edge agents enroll with (edge-orch agent --enroll-token).
 * A token may expire and may enroll a limited number of hosts; its secret is printed once.
 */
import type { Command } from 'commander';
import { invalidField } from '../../domain/errors.ts';
import { commandContext, runAction } from '../command-context.ts';
import { readExpiryFlags } from '../expiry-flags.ts';
import { renderOutput, type Column } from '../output/output.ts';
import { addExpiryOptions } from './token.ts';

interface EnrollmentTokenView {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  token?: string;
}

const COLUMNS: Column<EnrollmentTokenView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'CREATED', value: (t) => t.createdAt },
  { header: 'EXPIRES', value: (t) => t.expiresAt ?? 'never' },
  { header: 'USES', value: (t) => `${t.uses}/${t.maxUses ?? '∞'}` },
];
const CREATED_COLUMNS: Column<EnrollmentTokenView>[] = [...COLUMNS, { header: 'SECRET (shown once)', value: (t) => t.token }];

function parseMaxUses(text: string | undefined): { maxUses?: number } {
  if (text === undefined) return {};
  if (!/^[1-9]\d{0,6}$/.test(text)) throw invalidField('--max-uses', `--max-uses ${JSON.stringify(text)} is not a whole number from 1`);
  return { maxUses: Number(text) };
}

export function registerEnrollmentTokenCommands(program: Command): void {
  const enrollmentToken = program
    .command('enrollment-token')
    .description('Enrollment tokens: what edge agents enroll with (edge-orch agent --enroll-token)');

  addExpiryOptions(
    enrollmentToken
      .command('create <name>')
      .description('Create an enrollment token for the project; its secret is printed once')
      .option('--max-uses <n>', 'how many hosts may enroll with it (default: any number)'),
  ).action(
    runAction(async function createAction(this: Command, name: string) {
      const ctx = commandContext(this);
      const client = ctx.client();
      const { maxUses, ...expiry } = this.opts<{ maxUses?: string; expiresIn?: string; expiresAt?: string }>();
      const created = await client.post<EnrollmentTokenView>(client.projectPath('/enrollment-tokens'), {
        name,
        ...readExpiryFlags(expiry),
        ...parseMaxUses(maxUses),
      });
      ctx.print(renderOutput(ctx.format, created, [created], CREATED_COLUMNS));
    }),
  );

  enrollmentToken
    .command('list')
    .description('List enrollment tokens with their expiry and uses (never their secrets)')
    .action(
      runAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const { items } = await client.get<{ items: EnrollmentTokenView[] }>(client.projectPath('/enrollment-tokens'));
        ctx.print(renderOutput(ctx.format, items, items, COLUMNS));
      }),
    );

  enrollmentToken
    .command('delete <id>')
    .description('Revoke an enrollment token (hosts it enrolled keep their credentials)')
    .action(
      runAction(async function deleteAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        await client.delete(client.projectPath(`/enrollment-tokens/${encodeURIComponent(id)}`));
        ctx.print(`enrollment token ${id} revoked`);
      }),
    );
}
