/**
 * openStore: the one factory. Opens the engine, runs pending migrations, and assembles the sub-stores over a
 * Kysely handle; inside `transaction` the same sub-stores are built over the transaction.
 */
import { Migrator } from 'kysely/migration';
import type { StoreConfig } from './store-config.ts';
import { AppError } from '../domain/errors.ts';
import { createAgentStore } from './agent-store.ts';
import { createAuditStore } from './audit-store.ts';
import { createClusterStore } from './cluster-store.ts';
import type { Db } from './database.ts';
import { createDb as createPostgresDb } from './engines/postgres.ts';
import { createDb as createSqliteDb } from './engines/sqlite.ts';
import { createHostStore } from './host-store.ts';
import { createInstanceStore } from './instance-store.ts';
import { createJobStore } from './job-store.ts';
import { migrationProvider } from './migrations/index.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import { createOsProfileStore } from './os-profile-store.ts';
import { createProjectStore } from './project-store.ts';
import { createTemplateStore } from './template-store.ts';
import { createTokenCache, type TokenCache } from './token-cache.ts';
import { createTokenStore } from './token-store.ts';
import type { Store } from './store.ts';

/**
 * Opens the store, migrates it and reseals its secrets under the current key (the second half of a key
 * rotation, and the encryption of values stored before encryption). A secret sealed with a key the config does
 * not hold stops the opening, naming the key.
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  const db = config.engine === 'sqlite' ? createSqliteDb(config) : createPostgresDb(config);
  const store = createStore(db, config.engine, createSecretBox(config.secrets), createTokenCache(), false);
  try {
    await migrate(db);
    await store.clusters.resealSecrets();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return store;
}

export async function migrate(db: Db): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppError('Internal', `database migration ${failed} failed`, { cause: error });
  }
}

/** `tokenCache` is the process's one: the stores of its transactions evict from it too. */
function createStore(db: Db, engine: Store['engine'], secrets: SecretBox, tokenCache: TokenCache, inTransaction: boolean): Store {
  return {
    engine,
    projects: createProjectStore(db),
    tokens: tokenCache.wrap(createTokenStore(db)),
    osProfiles: createOsProfileStore(db),
    templates: createTemplateStore(db),
    hosts: createHostStore(db, engine),
    instances: createInstanceStore(db),
    clusters: createClusterStore(db, secrets),
    agents: createAgentStore(db),
    audit: createAuditStore(db),
    jobs: createJobStore(db, engine, inTransaction),
    async transaction(fn) {
      // Already inside one: join it (Kysely has no nested transactions on a transaction handle).
      if (inTransaction) return fn(this);
      return db.transaction().execute((trx) => fn(createStore(trx, engine, secrets, tokenCache, true)));
    },
    async close() {
      if (!inTransaction) await db.destroy();
    },
  };
}
