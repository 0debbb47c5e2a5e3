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
  osUpdateCommand?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsCaFile?: string;
  tlsSan?: string;
  insecureHttp?: boolean;
  secretKeyFile?: string;
  previousSecretKeyFile?: string;
  hostCredentialTtl?: string;
  staleClusterAfter?: string;
}

export interface ServeDeps<Config = unknown> {
  loadServerConfig(input: ServeOptions): Config;
  startServer(config: Config): Promise<{ url: string; adminTokenFile: string | null; caFile: string | null; close(): Promise<void> }>;
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
    .option(
      '--os-update-command <argv>',
      'JSON argv a host runs to move to a compatible OS profile version (cluster option 2); {imageUrl}, {imageSha256}, {version}, {osProfile} are replaced (EDGE_ORCH_OS_UPDATE_COMMAND)',
    )
    .option('--tls-cert-file <file>', 'serve TLS with this certificate (PEM) instead of one from its own CA (EDGE_ORCH_TLS_CERT_FILE)')
    .option('--tls-key-file <file>', "the certificate's private key (PEM) (EDGE_ORCH_TLS_KEY_FILE)")
    .option('--tls-ca-file <file>', 'the CA agents pin and the CLI trusts; default: the certificate file (EDGE_ORCH_TLS_CA_FILE)')
    .option('--tls-san <names>', "extra DNS names or addresses, comma-separated, for its own CA's server certificate (EDGE_ORCH_TLS_SAN)")
    .option('--insecure-http', 'serve plain HTTP (behind a proxy that ends TLS, or tests); agents then need --insecure-http too')
    .option(
      '--secret-key-file <file>',
      'the key kubeconfigs are sealed with at rest (EDGE_ORCH_SECRET_KEY_FILE, or the key itself in EDGE_ORCH_SECRET_KEY); default: <data dir>/secret-key, made at first start',
    )
    .option(
      '--previous-secret-key-file <file>',
      'while rotating: the old key; secrets sealed with it are resealed with the new one at start (EDGE_ORCH_PREVIOUS_SECRET_KEY_FILE, EDGE_ORCH_PREVIOUS_SECRET_KEY)',
    )
    .option(
      '--host-credential-ttl <seconds>',
      'how long a host credential lives; agents renew at about 75% (EDGE_ORCH_HOST_CREDENTIAL_TTL, default 30 days)',
    )
    .option(
      '--stale-cluster-after <seconds>',
      'a cluster waiting for nodes or provisioning with no word from its agents this long is listed as stale and deleted without an agent (EDGE_ORCH_STALE_CLUSTER_AFTER, default 1800)',
    )
    .action(async function serveAction(this: Command) {
      try {
        const config = loadServerConfig(this.opts<ServeOptions>());
        const server = await startServer(config);
        process.stderr.write(`edge-orch listening on ${server.url}\n`);
        const trust = server.caFile ? ` --ca-file ${server.caFile}` : '';
        if (server.caFile) process.stderr.write(`clients and agents trust the CA in ${server.caFile}\n`);
        else process.stderr.write('warning: serving plain HTTP (--insecure-http): tokens and credentials cross the network in clear\n');
        if (server.adminTokenFile)
          process.stderr.write(
            `admin token written to ${server.adminTokenFile} (mode 0600); log in with: edge-orch login --server ${server.url} --token-file ${server.adminTokenFile}${trust}\n`,
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
