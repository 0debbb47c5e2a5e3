/**
 * `edge-orch secrets rotate`: reseals every secret at rest under a new key, run on the server's machine against
 * its data directory or database while the servers are stopped. The rotation itself is handed in by the
 * composition root; this prints what it did, never a secret.
 */
import type { Command } from 'commander';
import { runAction } from '../command-context.ts';

export interface RotateSecretsOptions {
  dataDir?: string;
  database?: string;
  secretKeyFile?: string;
  newSecretKeyFile?: string;
}

export interface SecretsCommandDeps {
  rotateSecrets(options: RotateSecretsOptions): Promise<{
    total: number;
    resealed: number;
    oldKeyId: string;
    newKeyId: string;
    newKeyFile: string;
    replacedKeyFile: boolean;
  }>;
}

export function registerSecretsCommands(program: Command, { rotateSecrets }: SecretsCommandDeps): void {
  const secrets = program.command('secrets').description('Secrets at rest (kubeconfigs, join tokens): the key they are sealed with');
  secrets
    .command('rotate')
    .description('Reseal every secret under a new key (stop the servers first); interrupted, run it again to resume with the same new key')
    .option('--data-dir <dir>', 'the server data directory (EDGE_ORCH_DATA_DIR)')
    .option('--database <url>', 'sqlite:<file> or postgres://user@host:port/db (EDGE_ORCH_DATABASE_URL)')
    .option('--secret-key-file <file>', 'the current key (EDGE_ORCH_SECRET_KEY_FILE, EDGE_ORCH_SECRET_KEY); default: <data dir>/secret-key')
    .option(
      '--new-secret-key-file <file>',
      'the new key, made there when missing; default: <key file>.new, which replaces the key file once every secret is resealed',
    )
    .action(
      runAction(async function rotateAction(this: Command) {
        const report = await rotateSecrets(this.opts<RotateSecretsOptions>());
        const lines = [
          `resealed ${report.resealed} of ${report.total} secret(s) under key ${report.newKeyId} (${report.total - report.resealed} were already); none is left under key ${report.oldKeyId}`,
          report.replacedKeyFile
            ? `the key file ${report.newKeyFile} now holds the new key; start the servers as before`
            : `start the servers with --secret-key-file ${report.newKeyFile}; the old key no longer opens anything`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
