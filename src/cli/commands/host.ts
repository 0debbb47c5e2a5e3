/** `edge-orch host register|list|get|update|provision|approve|reject|reset-credential|deauthorize|delete`. */
import { Option, type Command } from 'commander';
import type { Static } from 'typebox';
import type { ProvisionResult } from '../../contract/cluster.schema.ts';
import { invalidField } from '../../domain/errors.ts';
import { HOST_STATES, type Host } from '../../domain/inventory/host.ts';
import { commandContext, runAction } from '../command-context.ts';
import { registerHostImportCommand } from './host-import.ts';
import { renderOutput, type Column } from '../output/output.ts';
import { STEP_COLUMNS } from '../output/step-views.ts';

type ProvisionResultView = Static<typeof ProvisionResult>;

const COLUMNS: Column<Host>[] = [
  { header: 'NAME', value: (h) => h.name },
  { header: 'ID', value: (h) => h.id },
  { header: 'UUID', value: (h) => h.uuid },
  { header: 'SERIAL', value: (h) => h.serial },
  { header: 'SITE', value: (h) => h.site },
  { header: 'STATE', value: (h) => h.state },
  { header: 'ONBOARD', value: (h) => (h.autoOnboard === null ? 'project' : h.autoOnboard ? 'auto' : 'approval') },
  {
    header: 'LABELS',
    value: (h) =>
      Object.entries(h.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
  },
];

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--label k=v` (repeatable) → labels; names the flag when malformed. */
export function parseLabelFlags(values: string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  return Object.fromEntries(
    values.map((text) => {
      const eq = text.indexOf('=');
      if (eq <= 0) throw invalidField('--label', `--label ${JSON.stringify(text)} is not k=v`);
      return [text.slice(0, eq), text.slice(eq + 1)];
    }),
  );
}

const hostPath = (id: string): string => `/hosts/${encodeURIComponent(id)}`;

export function registerHostCommands(program: Command): Command {
  const host = program.command('host').description('Hosts: edge machines known by uuid and/or serial');

  host
    .command('register')
    .description('Register a host by uuid and/or serial')
    .option('--name <name>', 'DNS-label name (default: derived from serial or uuid)')
    .option('--uuid <uuid>', 'system UUID')
    .option('--serial <serial>', 'serial number')
    .option('--site <site>', 'site')
    .option('--label <k=v>', 'label (repeatable)', collect)
    .addOption(
      new Option(
        '--onboard <mode>',
        "auto: onboard when its agent enrolls; approval: wait for approval (default: the project's setting)",
      ).choices(['auto', 'approval']),
    )
    .action(
      runAction(async function registerAction(this: Command) {
        const ctx = commandContext(this);
        const { name, uuid, serial, site, label, onboard } = this.opts<{
          name?: string;
          uuid?: string;
          serial?: string;
          site?: string;
          label?: string[];
          onboard?: 'auto' | 'approval';
        }>();
        const client = ctx.client();
        const labels = parseLabelFlags(label);
        const created = await client.post<Host>(client.projectPath('/hosts'), {
          ...(name ? { name } : {}),
          ...(uuid ? { uuid } : {}),
          ...(serial ? { serial } : {}),
          ...(site ? { site } : {}),
          ...(labels ? { labels } : {}),
          ...(onboard ? { autoOnboard: onboard === 'auto' } : {}),
        });
        ctx.print(renderOutput(ctx.format, created, [created], COLUMNS));
      }),
    );

  host
    .command('list')
    .description('List hosts')
    .addOption(new Option('--state <state>', 'host state (awaiting-approval: the onboarding lobby)').choices([...HOST_STATES]))
    .option('--site <site>', 'site')
    .option('--label <k=v>', 'label that must match (repeatable)', collect)
    .option('--name-prefix <prefix>', 'name prefix')
    .option('--limit <n>', 'page size (1-500)', '100')
    .option('--all', 'follow pages to the end')
    .action(
      runAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const { state, site, label, namePrefix, limit, all } = this.opts<{
          state?: string;
          site?: string;
          label?: string[];
          namePrefix?: string;
          limit: string;
          all?: boolean;
        }>();
        const client = ctx.client();
        const items: Host[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: Host[]; nextCursor: string | null } = await client.get(client.projectPath('/hosts'), {
            state,
            site,
            namePrefix,
            limit,
            label: label?.join(','),
            ...(cursor ? { cursor } : {}),
          });
          items.push(...page.items);
          cursor = all ? page.nextCursor : null;
        } while (cursor);
        ctx.print(renderOutput(ctx.format, items, items, COLUMNS));
      }),
    );

  host
    .command('get <host>')
    .description('Show a host by id, name, serial or uuid (exit 3: none matches, 4: several do)')
    .action(
      runAction(async function getAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const found = await client.get<Host>(client.projectPath(hostPath(id)));
        ctx.print(renderOutput(ctx.format, found, [found], COLUMNS));
      }),
    );

  host
    .command('update <host>')
    .description("Change a host's name, site or labels")
    .option('--name <name>', 'new name')
    .option('--site <site>', 'new site ("" clears it)')
    .option('--label <k=v>', 'labels, replacing the current ones (repeatable)', collect)
    .action(
      runAction(async function updateAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const { name, site, label } = this.opts<{ name?: string; site?: string; label?: string[] }>();
        const client = ctx.client();
        const labels = parseLabelFlags(label);
        const updated = await client.patch<Host>(client.projectPath(hostPath(id)), {
          ...(name ? { name } : {}),
          ...(site !== undefined ? { site } : {}),
          ...(labels ? { labels } : {}),
        });
        ctx.print(renderOutput(ctx.format, updated, [updated], COLUMNS));
      }),
    );

  for (const [verb, description] of [
    ['approve', "Approve a host awaiting approval: its agent's next enrollment onboards it"],
    ['reject', 'Reject a host awaiting approval: it is deauthorized and may not enroll'],
    ['reset-credential', "Reset a host's credential: its agent is refused, and the next agent with its identity enrolls it"],
  ] as const) {
    host
      .command(`${verb} <host>`)
      .description(description)
      .action(
        runAction(async function hostAction(this: Command, id: string) {
          const ctx = commandContext(this);
          const client = ctx.client();
          const updated = await client.post<Host>(client.projectPath(`${hostPath(id)}/${verb}`));
          ctx.print(renderOutput(ctx.format, updated, [updated], COLUMNS));
        }),
      );
  }

  host
    .command('provision <host>')
    .description('Provision a host: create its instance of an OS profile (its agent then runs it)')
    .requiredOption('--os-profile <profile>', 'OS profile name or name:version')
    .action(
      runAction(async function provisionAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const { osProfile } = this.opts<{ osProfile: string }>();
        const client = ctx.client();
        const result = await client.post<ProvisionResultView>(client.projectPath(`${hostPath(id)}/instance`), { osProfile });
        ctx.print(renderOutput(ctx.format, result, result.steps, STEP_COLUMNS));
      }),
    );

  host
    .command('deauthorize <host>')
    .description('Deauthorize a host (its cluster is deleted)')
    .action(
      runAction(async function deauthorizeAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const updated = await client.post<Host>(client.projectPath(`${hostPath(id)}/deauthorize`));
        ctx.print(renderOutput(ctx.format, updated, [updated], COLUMNS));
      }),
    );

  host
    .command('delete <host>')
    .description('Delete a host (refused while it is a cluster node)')
    .action(
      runAction(async function deleteAction(this: Command, id: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        await client.delete(client.projectPath(hostPath(id)));
        ctx.print(`host ${id} deleted`);
      }),
    );
  registerHostImportCommand(host);
  return host;
}
