/**
 * Test-only server entry (the CLI's `serve` is not wired yet): `node test/support/serve-process.ts --data-dir D
 * [--database URL] [--port 0] [--lease-ms N]`. Starts the real server (API + registration worker) and prints one JSON line
 * `{"url": …, "pid": …}` once it listens; SIGTERM closes it cleanly, SIGKILL is what the crash tests send.
 */
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    database: { type: 'string' },
    port: { type: 'string', default: '0' },
    'log-level': { type: 'string', default: 'warn' },
    'lease-ms': { type: 'string' },
  },
});
const config = loadServerConfig({
  dataDir: values['data-dir'],
  database: values.database,
  port: values.port,
  logLevel: values['log-level'],
  // These servers are about crash recovery, not transport.
  insecureHttp: true,
});
const leaseMs = values['lease-ms'] ? Number(values['lease-ms']) : undefined;
const server = await startServer(config, { registration: { ...(leaseMs ? { leaseMs } : {}) } });
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
