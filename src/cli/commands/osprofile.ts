/** `edge-orch osprofile import|list|get|delete`; a profile is a name and a version. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../domain/errors.ts';
import { parseOsProfileRef, type OsProfile } from '../../domain/inventory/os-profile.ts';
import { readAllPages } from '../../contract/read-all-pages.ts';
import { commandContext, runAction } from '../command-context.ts';
import { importEachFile } from '../import-files.ts';
import { renderOutput, type Column } from '../output/output.ts';

const COLUMNS: Column<OsProfile>[] = [
  { header: 'NAME', value: (p) => p.name },
  { header: 'VERSION', value: (p) => p.version },
  { header: 'TYPE', value: (p) => p.osType },
  { header: 'ARCH', value: (p) => p.architecture },
  { header: 'EMBEDDED K8S', value: (p) => (p.kubernetes ? p.kubernetes.version : 'none') },
  { header: 'SOURCE', value: (p) => p.source },
  { header: 'RESOURCE ID', value: (p) => p.resourceId },
];

/** The API path of a reference: name:version is that version, a name alone its latest (or only, for delete). */
const profilePath = (ref: string): string => {
  const { name, version } = parseOsProfileRef(ref, 'osprofile');
  return `/osprofiles/${encodeURIComponent(name)}${version === undefined ? '' : `/versions/${encodeURIComponent(version)}`}`;
};

export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AppError('InvalidField', `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, {
      field: 'file',
      cause,
    });
  }
}

export function registerOsProfileCommands(program: Command): void {
  const osprofile = program.command('osprofile').description('OS profiles: what an image is and which K3s it embeds');

  osprofile
    .command('import <files...>')
    .description(
      'Import image manifest.json files (edge-orch emt compose) or infra-core OS profile YAMLs, each as a version of its profile; each file is reported, failures do not stop the rest',
    )
    .option('--name <name>', 'profile name, overriding the one in the file, whatever its format (one file only)')
    .action(
      runAction(async function importAction(this: Command, files: string[]) {
        const ctx = commandContext(this);
        const { name } = this.opts<{ name?: string }>();
        if (name && files.length > 1)
          throw new AppError('InvalidField', `--name names one profile, but ${files.length} files were given`, { field: 'name' });
        const client = ctx.client();
        await importEachFile(
          files,
          async (file) => {
            const profile = await client.post<OsProfile>(client.projectPath('/osprofiles/import'), {
              document: readTextFile(file),
              ...(name ? { name } : {}),
            });
            return renderOutput(ctx.format, profile, [profile], COLUMNS);
          },
          ctx.print,
        );
      }),
    );

  osprofile
    .command('list [name]')
    .description('List OS profiles, every version (by name, the latest first); with a name, only its versions')
    .option('--limit <n>', 'page size (1-500)', '100')
    .option('--all', 'follow pages to the end')
    .action(
      runAction(async function listAction(this: Command, name?: string) {
        const ctx = commandContext(this);
        const { limit, all } = this.opts<{ limit: string; all?: boolean }>();
        const client = ctx.client();
        const readPage = (cursor?: string) =>
          client.get<{ items: OsProfile[]; nextCursor: string | null }>(client.projectPath('/osprofiles'), { name, limit, cursor });
        const items = all ? await readAllPages(readPage) : (await readPage()).items;
        ctx.print(renderOutput(ctx.format, items, items, COLUMNS));
      }),
    );

  osprofile
    .command('get <ref>')
    .description('Show an OS profile version (name:version, or a name for its latest version)')
    .action(
      runAction(async function getAction(this: Command, ref: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        const profile = await client.get<OsProfile>(client.projectPath(profilePath(ref)));
        ctx.print(renderOutput(ctx.format, profile, [profile], COLUMNS));
      }),
    );

  osprofile
    .command('delete <ref>')
    .description('Delete an OS profile version (name:version, or a name with a single version; refused while in use)')
    .action(
      runAction(async function deleteAction(this: Command, ref: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        await client.delete(client.projectPath(profilePath(ref)));
        ctx.print(`osprofile ${ref} deleted`);
      }),
    );
}
