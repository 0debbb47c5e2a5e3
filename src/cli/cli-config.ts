/**
 * Where the CLI finds its server, project and token: flags, then EDGE_ORCH_SERVER / EDGE_ORCH_PROJECT /
 * EDGE_ORCH_TOKEN, then the file `edge-orch login` wrote ($EDGE_ORCH_CONFIG or ~/.config/edge-orch/config.json, 0600).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../domain/errors.ts';
import { readCaFile } from '../system/read-ca-file.ts';

export interface CliConfig {
  server: string;
  project: string;
  token: string;
  /** The CA (PEM) an https:// server's certificate must chain to; without it, the system's CAs. */
  caCertificate?: string;
}

export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['EDGE_ORCH_CONFIG'] ?? join(homedir(), '.config', 'edge-orch', 'config.json');
}

export function readCliConfig(overrides: Partial<CliConfig>, env: NodeJS.ProcessEnv = process.env): CliConfig {
  const path = cliConfigPath(env);
  let saved: Partial<CliConfig> = {};
  if (existsSync(path)) {
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<CliConfig>;
    } catch {
      throw new AppError('MalformedDocument', `the CLI config ${path} is not JSON; run edge-orch login again`);
    }
  }
  const server = overrides.server ?? env['EDGE_ORCH_SERVER'] ?? saved.server;
  const token = overrides.token ?? env['EDGE_ORCH_TOKEN'] ?? saved.token;
  const project = overrides.project ?? env['EDGE_ORCH_PROJECT'] ?? saved.project ?? 'default';
  if (!server || !token) {
    throw new AppError(
      'Unauthenticated',
      `no server or token: run "edge-orch login --server URL --token-file FILE" (or pass --server and --token)`,
    );
  }
  const caFile = env['EDGE_ORCH_CA_FILE'];
  const caCertificate = overrides.caCertificate ?? (caFile ? readCaFile(caFile) : saved.caCertificate);
  return { server: server.replace(/\/+$/, ''), project, token, ...(caCertificate ? { caCertificate } : {}) };
}

export function writeCliConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const path = cliConfigPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}
