/** `edge-orch login`: checks a token against the server and saves server, project and token (0600). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../domain/errors.ts';
import { createApiClient } from '../api-client.ts';
import { readCaFile } from '../../system/read-ca-file.ts';
import { writeCliConfig } from '../cli-config.ts';
import { runAction } from '../command-context.ts';

export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description('Save the server, project and API token for later commands (the token is checked first)')
    .option('--token-file <file>', 'file holding the API token (for example data/admin-token)')
    .addHelpText(
      'after',
      '\nUses the global --server (required), --project (default "default"), --token (prefer --token-file) and --ca-file (the CA an https:// server is trusted by, saved for later commands).',
    )
    .action(
      runAction(async function loginAction(this: Command) {
        const {
          server,
          tokenFile,
          token: given,
          project = 'default',
          caFile = process.env['EDGE_ORCH_CA_FILE'],
        } = this.optsWithGlobals<{ server?: string; tokenFile?: string; token?: string; project?: string; caFile?: string }>();
        if (!server) throw new AppError('InvalidField', 'give the orchestrator URL with --server URL', { field: 'server' });
        const token = (given ?? (tokenFile ? readFileSync(tokenFile, 'utf8') : '')).trim();
        if (!token) throw new AppError('InvalidField', 'give the token with --token-file FILE or --token TOKEN', { field: 'token' });
        const config = { server: server.replace(/\/+$/, ''), project, token, ...(caFile ? { caCertificate: readCaFile(caFile) } : {}) };
        const client = createApiClient(config);
        await client.get(client.projectPath('/osprofiles'));
        const path = writeCliConfig(config);
        process.stdout.write(`logged in to ${config.server} (project ${project}); settings saved to ${path}\n`);
      }),
    );
}
