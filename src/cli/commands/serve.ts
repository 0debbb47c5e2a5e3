/** `edge-orch serve`: starts the orchestrator. The server itself is handed in by the composition root. */
import type { Command } from 'commander';
import { reportError } from '../command-context.ts';

/** The flags `serve` passes on; the config type belongs to the composition root. */
export interface ServeOptions {
  dataDir?: string;
  database?: string;
  host?: string;
  port?: string;
  logLevel?: string;
  mirrorUrl?: string;
}

export interface ServeDeps<Config = unknown> {
  loadServerConfig(input: ServeOptions): Config;
  startServer(config: Config): Promise<{ url: string; adminTokenFile: string | null; close(): Promise<void> }>;
}

export function registerServeCommand<Config>(program: Command, { loadServerConfig, startServer }: ServeDeps<Config>): void {
  program
    .command('serve')
    .description('Start the orchestrator (SQLite under ./data unless --database names PostgreSQL)')
    .option('--data-dir <dir>', 'where the SQLite file and the first admin token live (EDGE_ORCH_DATA_DIR)')
    .option('--database <url>', 'sqlite:<file> or postgres://user@host:port/db (EDGE_ORCH_DATABASE_URL)')
    .option('--host <address>', 'address to listen on (EDGE_ORCH_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (EDGE_ORCH_PORT, default 8080)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (EDGE_ORCH_LOG_LEVEL)')
    .option(
      '--mirror-url <url>',
      'artifact mirror for hosts that download K3s: <url>/k3s/install.sh, <url>/k3s/download/<version>/ (EDGE_ORCH_MIRROR_URL)',
    )
    .action(async function serveAction(this: Command) {
      try {
        const config = loadServerConfig(this.opts<ServeOptions>());
        const server = await startServer(config);
        process.stderr.write(`edge-orch listening on ${server.url}\n`);
        if (server.adminTokenFile)
          process.stderr.write(
            `admin token written to ${server.adminTokenFile} (mode 0600); log in with: edge-orch login --server ${server.url} --token-file ${server.adminTokenFile}\n`,
          );
        const stop = (): void => {
          server.close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (error) {
        reportError(error);
        process.exitCode = 2;
      }
    });
}
