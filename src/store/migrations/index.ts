/** Every migration, in order. Listed statically so no directory is scanned at run time. */
import type { Migration, MigrationProvider } from 'kysely/migration';
import * as createInventory from './0001-create-inventory.ts';
import * as createAgentCredentials from './0002-create-agent-credentials.ts';

export const migrations: Record<string, Migration> = {
  '0001-create-inventory': createInventory,
  '0002-create-agent-credentials': createAgentCredentials,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
