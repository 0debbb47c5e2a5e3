/** `edge-orch audit`: the project's audit log, newest first (admin only). */
import type { Command } from 'commander';
import type { AuditEvent } from '../../domain/audit/audit-event.ts';
import { commandContext, runAction } from '../command-context.ts';
import { renderOutput, type Column } from '../output/output.ts';

const COLUMNS: Column<AuditEvent>[] = [
  { header: 'TIME', value: (e) => e.at },
  { header: 'TOKEN', value: (e) => `${e.actor.tokenName ?? '?'} (${e.actor.role ?? e.actor.kind})` },
  { header: 'ACTION', value: (e) => e.action },
  {
    header: 'TARGET',
    value: (e) =>
      Object.entries(e.target)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
  },
  { header: 'RESULT', value: (e) => `${e.status} ${e.outcome}` },
];

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Show the audit log: every change asked of the API, who asked, with which token, and the result (admin only)')
    .option('--actor <token>', 'only changes asked with this token (name or id)')
    .option('--action <text>', 'only changes whose action contains this text (approve, DELETE, /hosts…)')
    .option('--limit <n>', 'page size (1-500)', '100')
    .option('--all', 'follow pages to the end')
    .action(
      runAction(async function auditAction(this: Command) {
        const ctx = commandContext(this);
        const { limit, all, actor, action } = this.opts<{ limit: string; all?: boolean; actor?: string; action?: string }>();
        const client = ctx.client();
        const items: AuditEvent[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: AuditEvent[]; nextCursor: string | null } = await client.get(client.projectPath('/audit'), {
            limit,
            ...(actor !== undefined ? { actor } : {}),
            ...(action !== undefined ? { action } : {}),
            ...(cursor ? { cursor } : {}),
          });
          items.push(...page.items);
          cursor = all ? page.nextCursor : null;
        } while (cursor);
        ctx.print(renderOutput(ctx.format, items, items, COLUMNS));
      }),
    );
}
