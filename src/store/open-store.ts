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
import { createDocumentCache } from './document-cache.ts';
import { createDb as createPostgresDb } from './engines/postgres.ts';
import { createDb as createSqliteDb } from './engines/sqlite.ts';
import { createHostReportStore } from './host-report-store.ts';
import { createHostStore } from './host-store.ts';
import { createInstanceStore } from './instance-store.ts';
import { createJobStore } from './job-store.ts';
import { createManagementClusterStore } from './management-cluster-store.ts';
import { migrationProvider } from './migrations/index.ts';
import { createOnboardingRequestStore } from './onboarding-request-store.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import { createOsProfileStore } from './os-profile-store.ts';
import { createProjectStore } from './project-store.ts';
import { createTemplateStore, type TemplateRow } from './template-store.ts';
import { createTokenCache, type TokenCache } from './token-cache.ts';
import { createTokenStore } from './token-store.ts';
import type { Store } from './store.ts';

/**
 * Opens the store, migrates it and reseals its secrets under the current key (the second half of a key
 * rotation, and the encryption of values stored before encryption). A secret sealed with a key the config does
 * not hold stops the opening, naming the key. `resealSecrets: false` leaves them to the caller (secrets rotate).
 */
export async function openStore(config: StoreConfig, { resealSecrets = true }: { resealSecrets?: boolean } = {}): Promise<Store> {
  const db = config.engine === 'sqlite' ? createSqliteDb(config) : createPostgresDb(config);
  const documents = { templates: createDocumentCache<TemplateRow>(), osProfiles: createDocumentCache<{ doc: string }>() };
  const store = createStore(db, config.engine, createSecretBox(config.secrets), documents, createTokenCache(), false);
  try {
    await migrate(db);
    if (resealSecrets) {
      await store.clusters.resealSecrets();
      await store.managementClusters.resealSecrets();
    }
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

/** The immutable documents' caches, shared by a store and its transactions. */
interface Documents {
  templates: ReturnType<typeof createDocumentCache<TemplateRow>>;
  osProfiles: ReturnType<typeof createDocumentCache<{ doc: string }>>;
}

function createStore(
  db: Db,
  engine: Store['engine'],
  secrets: SecretBox,
  documents: Documents,
  tokenCache: TokenCache,
  inTransaction: boolean,
): Store {
  const side = inTransaction ? 'readOnly' : 'filling';
  const osProfiles = createOsProfileStore(db, documents.osProfiles[side], engine);
  return {
    engine,
    projects: createProjectStore(db),
    tokens: tokenCache.wrap(createTokenStore(db)),
    osProfiles,
    templates: createTemplateStore(db, documents.templates[side], engine),
    hosts: createHostStore(db, engine),
    instances: createInstanceStore(db, osProfiles),
    clusters: createClusterStore(db, secrets),
    agents: createAgentStore(db),
    onboardingRequests: createOnboardingRequestStore(db),
    hostReports: createHostReportStore(db),
    audit: createAuditStore(db),
    jobs: createJobStore(db, engine, inTransaction),
    managementClusters: createManagementClusterStore(db, secrets),
    async transaction(fn) {
      // Already inside one: join it (Kysely has no nested transactions on a transaction handle).
      if (inTransaction) return fn(this);
      return db.transaction().execute((trx) => fn(createStore(trx, engine, secrets, documents, tokenCache, true)));
    },
    async close() {
      if (!inTransaction) await db.destroy();
    },
  };
}
