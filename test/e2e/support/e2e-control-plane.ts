/**
 * The orchestrator side of an end-to-end test: the real server on the test bridge, the operator's CLI logged in
 * to it (its login kept in the test's directory), an API client trusting only the server's CA, and an
 * enrollment token for the hosts' agents.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadServerConfig } from '../../../src/config.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { createEdgeOrchCli, type EdgeOrchCli } from '../../support/edge-orch-cli.ts';
import { createE2eApi, type E2eApi } from './api-client.ts';
import type { TestNetwork } from './test-network.ts';

export interface E2eControlPlane {
  server: RunningServer;
  cli: EdgeOrchCli;
  api: E2eApi;
  /** The server's CA (PEM), which the hosts trust until enrollment pins it. */
  caCertificate: string;
  enrollToken: string;
}

/** Starts the server with its data under `<dir>/server` and logs the CLI in from `<dir>/operator`. */
export async function startE2eControlPlane({
  dir,
  network,
  mirrorUrl,
  osUpdateCommand,
}: {
  dir: string;
  network: TestNetwork;
  mirrorUrl: string;
  /** The server's --os-update-command (a JSON argv), for option 2. */
  osUpdateCommand?: string;
}): Promise<E2eControlPlane> {
  const server = await startServer(
    loadServerConfig(
      {
        dataDir: join(dir, 'server'),
        host: network.serverAddress,
        port: 0,
        logLevel: 'warn',
        mirrorUrl,
        ...(osUpdateCommand ? { osUpdateCommand } : {}),
      },
      {},
    ),
  );
  const cli = createEdgeOrchCli({ home: join(dir, 'operator') });
  await cli.ok(['login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!]);
  const caCertificate = await readFile(server.caFile!, 'utf8');
  const api = createE2eApi({ serverUrl: server.url, token: (await readFile(server.adminTokenFile!, 'utf8')).trim(), caCertificate });
  const { token: enrollToken } = await api.expect<{ token: string }>([201], 'POST', '/enrollment-tokens', { name: 'e2e' });
  return { server, cli, api, caCertificate, enrollToken };
}
