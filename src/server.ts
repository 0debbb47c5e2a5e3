/**
 * Starting the orchestrator: open the store (migrations run on open), make sure the default project and its
 * first admin token exist, build the API and listen. The admin token is written once, mode 0600.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import { createCapiDriver, type CapiDriverOptions } from './capi/capi-driver.ts';
import { invalidField } from './domain/errors.ts';
import type { ServerConfig } from './config.ts';
import { loadSecretKeyring } from './store/load-secret-keyring.ts';
import { openStore } from './store/open-store.ts';
import { loadServerTls } from './system/server-tls.ts';
import { HostEvents } from './workflow/host-events.ts';
import { createRegistrationEngine, type RegistrationEngineOptions } from './workflow/engine.ts';
import { createApiToken } from './workflow/use-cases/create-api-token.ts';
import { WorkSignal } from './workflow/work-signal.ts';
import type { Store } from './store/store.ts';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** Set on the first start only: where the new admin token was written. */
  adminTokenFile: string | null;
  /** The CA file clients trust (`edge-orch login --ca-file`); null when serving plain HTTP. */
  caFile: string | null;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Registration worker tuning (tests shorten the lease so a killed server's hosts are taken over quickly). */
  registration?: Pick<RegistrationEngineOptions, 'leaseMs' | 'batchSize' | 'pollMs'>;
  /** Cluster API driver tuning (tests sweep more often). */
  capi?: Pick<CapiDriverOptions, 'sweepMs'>;
}

/** Opens the store, serves the API and runs the registration worker next to it. */
export async function startServer(config: ServerConfig, options: ServerOptions = {}): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await chmod(config.dataDir, 0o700); // also when it existed: it holds the CA key, the secret key and the database
  const tls = await loadServerTls(config.tls, config.host);
  const store = await openStore({ ...config.store, secrets: await loadSecretKeyring(config.secretKeys) });
  const adminTokenFile = await ensureFirstAdminToken(store, config);
  // One of each per process, shared by the API and the registration worker.
  const events = new HostEvents();
  const work = new WorkSignal();
  // Logs through the API's logger, which exists once the app is built (the driver logs only after it starts).
  const capi = createCapiDriver({ store, log: { warn: (details, message) => app.log.warn(details, message) }, ...options.capi });
  const app = await buildApp({
    store,
    events,
    work,
    logger: { level: config.logLevel },
    agentTrust: { caCertificate: tls?.ca ?? null, hostCredentialTtlMs: config.hostCredentialTtlSeconds * 1000 },
    staleClusterAfterMs: config.staleClusterAfterSeconds * 1000,
    clusterDriver: capi,
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
    ...(config.mirrorUrl === undefined ? {} : { mirrorUrl: config.mirrorUrl }),
    ...(config.osUpdateCommand === undefined ? {} : { osUpdateCommand: config.osUpdateCommand }),
  });
  // Listen before the worker starts: a server that cannot listen (port in use) stops whole, so `serve` exits.
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await store.close();
    throw listenError(error, config);
  }
  const engine = createRegistrationEngine({ store, log: app.log, ...options.registration, events, work });
  await engine.start();
  await capi.start();
  return {
    app,
    store,
    url,
    adminTokenFile,
    caFile: tls?.caFile ?? null,
    async close() {
      await capi.stop();
      await engine.stop();
      await app.close();
      await store.close();
    },
  };
}

/** The address in use or not allowed, named as the setting to change; other failures as they are. */
function listenError(error: unknown, config: ServerConfig): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') return invalidField('port', `${where} is already in use; stop what listens there or choose another --port`);
  if (code === 'EACCES')
    return invalidField('port', `listening on ${where} is not permitted; choose a port above 1023 or run with the right privileges`);
  if (code === 'EADDRNOTAVAIL') return invalidField('host', `${config.host} is not an address of this machine; choose another --host`);
  return error;
}

/** On first start (no token in the default project) creates an admin token and writes it to a 0600 file. */
async function ensureFirstAdminToken(store: Store, config: ServerConfig): Promise<string | null> {
  await store.projects.ensure(config.defaultProject);
  if ((await store.tokens.list(config.defaultProject, { limit: 1 })).items.length > 0) return null;
  const { token } = await createApiToken({ store }, { project: config.defaultProject, role: 'admin', name: 'first-admin' });
  const file = join(config.dataDir, 'admin-token');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return file;
}
