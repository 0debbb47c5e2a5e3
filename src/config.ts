/**
 * Server configuration: parsed once from flags and environment, validated, deep-frozen (STYLE C1).
 * A wrong setting stops start-up and names itself.
 */
import { resolve } from 'node:path';
import { parseMirrorUrl, type MirrorUrl } from './domain/bootstrap/mirror-url.ts';
import { AppError, invalidField } from './domain/errors.ts';
import type { StoreConfig } from './store/store-config.ts';

export interface ServerConfig {
  readonly dataDir: string;
  readonly store: StoreConfig;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The project created on first start, with its admin token. */
  readonly defaultProject: string;
  /**
   * Artifact mirror base URL for hosts that download K3s (no embedded K3s): the install script is
   * `<mirrorUrl>/k3s/install.sh`, releases `<mirrorUrl>/k3s/download/<version>/`. Unset: K3s's public URLs.
   */
  readonly mirrorUrl?: MirrorUrl;
}

export interface ServerConfigInput {
  dataDir?: string | undefined;
  database?: string | undefined;
  host?: string | undefined;
  port?: string | number | undefined;
  logLevel?: string | undefined;
  mirrorUrl?: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Flags win over EDGE_ORCH_* environment variables, which win over defaults. */
export function loadServerConfig(input: ServerConfigInput, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(input.dataDir ?? env['EDGE_ORCH_DATA_DIR'] ?? 'data');
  const database = input.database ?? env['EDGE_ORCH_DATABASE_URL'] ?? '';
  let store: StoreConfig;
  if (database === '' || database.startsWith('sqlite:')) {
    store = { engine: 'sqlite', file: database ? resolve(database.slice('sqlite:'.length)) : resolve(dataDir, 'edge-orch.sqlite') };
  } else if (/^postgres(ql)?:\/\//.test(database)) {
    store = { engine: 'postgres', connectionString: database };
  } else {
    throw invalidField('database', 'database must be sqlite:<file> or postgres://user@host:port/db (EDGE_ORCH_DATABASE_URL)');
  }
  const portText = String(input.port ?? env['EDGE_ORCH_PORT'] ?? '8080');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw invalidField('port', `port ${JSON.stringify(portText)} must be an integer from 0 to 65535`);
  const logLevel = input.logLevel ?? env['EDGE_ORCH_LOG_LEVEL'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new AppError('InvalidField', `log level ${JSON.stringify(logLevel)} must be one of ${LOG_LEVELS.join(', ')}`, {
      field: 'logLevel',
    });
  }
  const mirrorText = input.mirrorUrl ?? env['EDGE_ORCH_MIRROR_URL'] ?? '';
  const mirrorUrl = mirrorText === '' ? undefined : parseMirrorUrl(mirrorText, '--mirror-url, EDGE_ORCH_MIRROR_URL');
  return deepFreeze({
    dataDir,
    store,
    host: input.host ?? env['EDGE_ORCH_HOST'] ?? '127.0.0.1',
    port,
    logLevel: logLevel as ServerConfig['logLevel'],
    defaultProject: 'default',
    ...(mirrorUrl === undefined ? {} : { mirrorUrl }),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
