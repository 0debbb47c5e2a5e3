/** `edge-orch template import|list|get|export|delete`. */
import type { Command } from 'commander';
import { isAppError } from '../../domain/errors.ts';
import { parseTemplateRef, type ClusterTemplate } from '../../domain/inventory/template.ts';
import type { Reason } from '../../domain/reasons.ts';
import { readAllPages } from '../../contract/read-all-pages.ts';
import { commandContext, runAction } from '../command-context.ts';
import { renderOutput, renderTable, type Column } from '../output/output.ts';
import { importEachFile } from '../import-files.ts';
import { readTextFile } from './osprofile.ts';
import { addTemplateRenderCommand } from './render.ts';

interface TemplateView extends ClusterTemplate {
  installable?: boolean;
  installableReason?: Reason;
  compatibility?: { osProfile: string; osProfileVersion: string; airGapped: boolean; basis?: string; override?: Reason };
}
interface Excluded {
  name: string;
  version: string;
  kubernetesVersion: string;
  osProfile: string;
  osProfileVersion: string;
  reason: Reason;
}

const COLUMNS: Column<TemplateView>[] = [
  { header: 'NAME', value: (t) => t.name },
  { header: 'VERSION', value: (t) => t.version },
  { header: 'FLAVOR', value: (t) => t.flavor },
  { header: 'KUBERNETES', value: (t) => t.kubernetesVersion },
];
const LIST_COLUMNS: Column<TemplateView>[] = [
  ...COLUMNS,
  { header: 'INSTALLABLE', value: (t) => (t.installable === false ? `no (${t.installableReason?.code})` : 'yes') },
];
const COMPATIBLE_COLUMNS: Column<TemplateView>[] = [
  ...COLUMNS,
  { header: 'OS PROFILE', value: (t) => t.compatibility && `${t.compatibility.osProfile}:${t.compatibility.osProfileVersion}` },
  { header: 'MODE', value: (t) => (t.compatibility?.airGapped ? 'air-gapped' : 'download') },
  { header: 'NOTE', value: (t) => t.compatibility?.override?.message },
];
const EXCLUDED_COLUMNS: Column<Excluded>[] = [
  { header: 'NAME', value: (t) => t.name },
  { header: 'VERSION', value: (t) => t.version },
  { header: 'KUBERNETES', value: (t) => t.kubernetesVersion },
  { header: 'OS PROFILE', value: (t) => `${t.osProfile}:${t.osProfileVersion}` },
  { header: 'REASON', value: (t) => `${t.reason.code}: ${t.reason.message}` },
];

export function registerTemplateCommands(program: Command): void {
  const template = program.command('template').description('Cluster templates (K3s or RKE2, versioned)');
  addTemplateRenderCommand(template);

  template
    .command('import <files...>')
    .description('Import template files (EMF TemplateInfo JSON as is); each file is reported, failures do not stop the rest')
    .action(
      runAction(async function importAction(this: Command, files: string[]) {
        const ctx = commandContext(this);
        const client = ctx.client();
        await importEachFile(
          files,
          async (file) => {
            let doc: unknown;
            try {
              doc = JSON.parse(readTextFile(file));
            } catch (cause) {
              if (isAppError(cause)) throw cause;
              throw new Error(`${file} is not JSON: ${(cause as Error).message}`, { cause });
            }
            const created = await client.post<ClusterTemplate>(client.projectPath('/templates'), doc);
            return `template ${created.name}:${created.version} imported from ${file}`;
          },
          ctx.print,
        );
      }),
    );

  template
    .command('list')
    .description('List templates; --compatible-with shows only those that can run on an OS profile')
    .option('--flavor <flavor>', 'k3s or rke2')
    .option('--kubernetes-version <version>', 'exact version, for example v1.32.4+k3s1')
    .option(
      '--compatible-with <osprofile>',
      'only templates compatible with this OS profile (name:version, or a name for each of its versions)',
    )
    .option('--explain', 'with --compatible-with: also list the excluded templates and why')
    .option('--limit <n>', 'page size (1-500): templates read per page', '100')
    .option('--all', 'follow pages to the end')
    .action(
      runAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const { flavor, kubernetesVersion, compatibleWith, explain, limit, all } = this.opts<{
          flavor?: string;
          kubernetesVersion?: string;
          compatibleWith?: string;
          explain?: boolean;
          limit: string;
          all?: boolean;
        }>();
        const client = ctx.client();
        const excluded: Excluded[] = [];
        let nextCursor: string | null = null;
        const readPage = async (cursor?: string) => {
          const page = await client.get<{ items: TemplateView[]; excluded?: Excluded[]; nextCursor: string | null }>(
            client.projectPath('/templates'),
            { flavor, kubernetesVersion, compatibleWithOsProfile: compatibleWith, explain: explain ? true : undefined, limit, cursor },
          );
          excluded.push(...(page.excluded ?? []));
          nextCursor = page.nextCursor;
          // Without --all, one page: its nextCursor is printed, not followed.
          return all ? page : { ...page, nextCursor: null };
        };
        const items = await readAllPages(readPage);
        const body = { items, ...(explain && compatibleWith ? { excluded } : {}), nextCursor };
        if (ctx.format !== 'table') return ctx.print(renderOutput(ctx.format, body, [], COLUMNS));
        ctx.print(renderOutput('table', body, body.items, compatibleWith ? COMPATIBLE_COLUMNS : LIST_COLUMNS));
        if (excluded.length > 0) {
          ctx.print(`\nExcluded (not compatible with ${compatibleWith}):`);
          ctx.print(renderTable(excluded, EXCLUDED_COLUMNS));
        }
      }),
    );

  template
    .command('get <ref>')
    .description('Show a template version (name:version)')
    .action(
      runAction(async function getAction(this: Command, ref: string) {
        const ctx = commandContext(this);
        const { name, version } = parseTemplateRef(ref, 'template');
        const client = ctx.client();
        const found = await client.get<TemplateView>(
          client.projectPath(`/templates/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`),
        );
        ctx.print(renderOutput(ctx.format, found, [found], COLUMNS));
      }),
    );

  template
    .command('export <ref>')
    .description(
      "Print a template version (name:version) as cluster-manager's TemplateInfo JSON, which cluster-manager and edge-orch import",
    )
    .action(
      runAction(async function exportAction(this: Command, ref: string) {
        const ctx = commandContext(this);
        const { name, version } = parseTemplateRef(ref, 'template');
        const client = ctx.client();
        const info = await client.get<Record<string, unknown>>(
          client.projectPath(`/templates/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/templateinfo`),
        );
        ctx.print(JSON.stringify(info, null, 2));
      }),
    );

  template
    .command('delete <ref>')
    .description('Delete a template version (name:version; refused while a cluster uses it)')
    .action(
      runAction(async function deleteAction(this: Command, ref: string) {
        const ctx = commandContext(this);
        const { name, version } = parseTemplateRef(ref, 'template');
        const client = ctx.client();
        await client.delete(client.projectPath(`/templates/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`));
        ctx.print(`template ${name}:${version} deleted`);
      }),
    );
}
