/**
 * Server configuration: parsed once from flags and environment, validated, deep-frozen (STYLE C1).
 * A wrong setting stops start-up and names itself.
 */
import { resolve } from 'node:path';
import { parseMirrorUrl, type MirrorUrl } from './domain/bootstrap/mirror-url.ts';
import { DEFAULT_STALE_CLUSTER_AFTER_SECONDS } from './domain/inventory/cluster-staleness.ts';
import { parseOsUpdateCommand } from './domain/bootstrap/os-update.ts';
import { AppError, invalidField } from './domain/errors.ts';
import type { SecretKeySource, SecretKeySources } from './store/load-secret-keyring.ts';
import type { EngineConfig } from './store/store-config.ts';
import type { TlsConfig } from './system/server-tls.ts';

export interface ServerConfig {
  readonly dataDir: string;
  readonly store: EngineConfig;
  /** The secret key (and the previous one while rotating) that kubeconfigs are sealed with at rest. */
  readonly secretKeys: SecretKeySources;
  readonly tls: TlsConfig;
  /** How long a host credential lives; agents renew it at about 75% of that. */
  readonly hostCredentialTtlSeconds: number;
  /** How long a cluster may wait for nodes or provision with no word from its agents before it is listed as stale. */
  readonly staleClusterAfterSeconds: number;
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
  /** The argv a host runs to move to another version of its OS profile (option 2, see os-update.ts); unset, such moves are blocked. */
  readonly osUpdateCommand?: readonly string[];
}

export interface ServerConfigInput {
  dataDir?: string | undefined;
  database?: string | undefined;
  host?: string | undefined;
  port?: string | number | undefined;
  logLevel?: string | undefined;
  mirrorUrl?: string | undefined;
  osUpdateCommand?: string | undefined;
  tlsCertFile?: string | undefined;
  tlsKeyFile?: string | undefined;
  tlsCaFile?: string | undefined;
  tlsSan?: string | undefined;
  insecureHttp?: boolean | undefined;
  secretKeyFile?: string | undefined;
  previousSecretKeyFile?: string | undefined;
  hostCredentialTtl?: string | number | undefined;
  staleClusterAfter?: string | number | undefined;
}

export const SECRET_KEY_FILE = 'secret-key';
const DEFAULT_HOST_CREDENTIAL_TTL_SECONDS = 30 * 86_400;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Flags win over EDGE_ORCH_* environment variables, which win over defaults. */
export function loadServerConfig(input: ServerConfigInput, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(input.dataDir ?? env['EDGE_ORCH_DATA_DIR'] ?? 'data');
  const database = input.database ?? env['EDGE_ORCH_DATABASE_URL'] ?? '';
  let store: EngineConfig;
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
  const updateText = input.osUpdateCommand ?? env['EDGE_ORCH_OS_UPDATE_COMMAND'] ?? '';
  const osUpdateCommand =
    updateText === '' ? undefined : parseOsUpdateCommand(updateText, '--os-update-command, EDGE_ORCH_OS_UPDATE_COMMAND');
  const ttlText = String(input.hostCredentialTtl ?? env['EDGE_ORCH_HOST_CREDENTIAL_TTL'] ?? DEFAULT_HOST_CREDENTIAL_TTL_SECONDS);
  const hostCredentialTtlSeconds = Number(ttlText);
  if (!Number.isInteger(hostCredentialTtlSeconds) || hostCredentialTtlSeconds < 60)
    throw invalidField(
      'hostCredentialTtl',
      `host credential lifetime ${JSON.stringify(ttlText)} must be a whole number of seconds, at least 60`,
    );
  const staleText = String(input.staleClusterAfter ?? env['EDGE_ORCH_STALE_CLUSTER_AFTER'] ?? DEFAULT_STALE_CLUSTER_AFTER_SECONDS);
  const staleClusterAfterSeconds = Number(staleText);
  if (!Number.isInteger(staleClusterAfterSeconds) || staleClusterAfterSeconds < 60)
    throw invalidField(
      'staleClusterAfter',
      `stale-cluster time ${JSON.stringify(staleText)} (--stale-cluster-after, EDGE_ORCH_STALE_CLUSTER_AFTER) must be a whole number of seconds, at least 60`,
    );
  return deepFreeze({
    dataDir,
    store,
    secretKeys: loadSecretKeySources(input, env, dataDir),
    tls: loadTlsConfig(input, env, dataDir),
    hostCredentialTtlSeconds,
    staleClusterAfterSeconds,
    host: input.host ?? env['EDGE_ORCH_HOST'] ?? '127.0.0.1',
    port,
    logLevel: logLevel as ServerConfig['logLevel'],
    defaultProject: 'default',
    ...(mirrorUrl === undefined ? {} : { mirrorUrl }),
    ...(osUpdateCommand === undefined ? {} : { osUpdateCommand }),
  });
}

/** EDGE_ORCH_SECRET_KEY (base64) or a key file; by default `<data dir>/secret-key`, made at first start. */
function loadSecretKeySources(input: ServerConfigInput, env: NodeJS.ProcessEnv, dataDir: string): SecretKeySources {
  const source = (value: string | undefined, valueVar: string, file: string | undefined): SecretKeySource | null =>
    value ? { kind: 'value', value, givenBy: valueVar } : file ? { kind: 'file', path: resolve(file), createIfMissing: false } : null;
  const current =
    source(env['EDGE_ORCH_SECRET_KEY'], 'EDGE_ORCH_SECRET_KEY', input.secretKeyFile ?? env['EDGE_ORCH_SECRET_KEY_FILE']) ??
    ({ kind: 'file', path: resolve(dataDir, SECRET_KEY_FILE), createIfMissing: true } as const);
  const previous = source(
    env['EDGE_ORCH_PREVIOUS_SECRET_KEY'],
    'EDGE_ORCH_PREVIOUS_SECRET_KEY',
    input.previousSecretKeyFile ?? env['EDGE_ORCH_PREVIOUS_SECRET_KEY_FILE'],
  );
  return { current, previous };
}

function loadTlsConfig(input: ServerConfigInput, env: NodeJS.ProcessEnv, dataDir: string): TlsConfig {
  const insecure = input.insecureHttp ?? ['1', 'true'].includes(env['EDGE_ORCH_INSECURE_HTTP'] ?? '');
  const certFile = input.tlsCertFile ?? env['EDGE_ORCH_TLS_CERT_FILE'];
  const keyFile = input.tlsKeyFile ?? env['EDGE_ORCH_TLS_KEY_FILE'];
  const caFile = input.tlsCaFile ?? env['EDGE_ORCH_TLS_CA_FILE'];
  if (insecure) {
    if (certFile || keyFile)
      throw invalidField('insecureHttp', '--insecure-http serves plain HTTP; it cannot be given with --tls-cert-file');
    return { kind: 'off' };
  }
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw invalidField(certFile ? 'tlsKeyFile' : 'tlsCertFile', 'give both --tls-cert-file and --tls-key-file');
    return { kind: 'files', certFile: resolve(certFile), keyFile: resolve(keyFile), caFile: resolve(caFile ?? certFile) };
  }
  const names = (input.tlsSan ?? env['EDGE_ORCH_TLS_SAN'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!/^[A-Za-z0-9.:-]+$/.test(name)) throw invalidField('tlsSan', `--tls-san ${JSON.stringify(name)} is not a DNS name or IP address`);
  }
  return { kind: 'own-ca', dir: dataDir, names };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
