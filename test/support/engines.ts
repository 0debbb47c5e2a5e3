/**
 * The engines the store-backed suites run on, each giving a fresh, empty, migrated store per call:
 * SQLite in a temporary file, PostgreSQL in a new database on the run's server (see global-setup.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { StoreConfig } from '../../src/store/store-config.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createEphemeralKeyring } from '../../src/store/secret-box.ts';
import type { Store } from '../../src/store/store.ts';
import { selectedEngines, type EngineName } from './engine-selection.ts';
import { createDatabase } from './postgres.ts';

export interface TestEngine {
  name: EngineName;
  /** A config for a fresh database (for tests that start server processes on it). */
  createConfig(): Promise<StoreConfig>;
  createStore(): Promise<Store>;
}

async function createConfig(name: EngineName): Promise<StoreConfig> {
  // One key per database, as a server keeps one: reopening the same config opens its secrets.
  const secrets = createEphemeralKeyring();
  if (name === 'sqlite')
    return { engine: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'edge-orch-sqlite-')), 'edge-orch.sqlite'), secrets };
  const url = inject('postgresUrl');
  if (!url) throw new Error('PostgreSQL was selected but global setup provided no server');
  return { engine: 'postgres', connectionString: await createDatabase(url), secrets };
}

export const engines: TestEngine[] = selectedEngines().map((name) => ({
  name,
  createConfig: () => createConfig(name),
  createStore: async () => openStore(await createConfig(name)),
}));
