/**
 * OS profile versions on every engine: rows stored before migration 0005 (one profile per name) become the
 * first version of their name, with a resource id, and their instances record that version; versions stored before
 * migration 0017 list in version order.
 */
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOsProfileDocument } from '../../src/domain/inventory/os-profile.ts';
import type { Database } from '../../src/store/database.ts';
import { createDb as createPostgresDb } from '../../src/store/engines/postgres.ts';
import { createDb as createSqliteDb } from '../../src/store/engines/sqlite.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreConfig } from '../../src/store/store-config.ts';
import type { Store } from '../../src/store/store.ts';
import { engines } from '../support/engines.ts';
import { readFormat } from '../support/formats.ts';

async function openAt(config: StoreConfig, last: string): Promise<Kysely<Database>> {
  const db = config.engine === 'sqlite' ? createSqliteDb(config) : createPostgresDb(config);
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(last);
  if (error) throw error;
  return db;
}

describe.each(engines)('OS profile store on $name', ({ createConfig }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('migrates profiles stored before versions: each keeps its version, gets a resource id, and its instances record it', async () => {
    const config = await createConfig();
    const old = (await openAt(config, '0004-add-template-config')) as Kysely<any>;
    const at = '2026-01-01T00:00:00Z';
    // The document as releases before 0005 stored it: no resource id, no infra-core fields.
    const {
      resourceId: _r,
      securityFeature: _s,
      provider: _p,
      platformBundle: _b,
      unusedFields: _u,
      ...emt
    } = parseOsProfileDocument(readFormat('os-profiles/microvisor-nonrt.yaml'));
    try {
      await old.insertInto('projects').values({ name: 'alpha', created_at: at }).execute();
      await old
        .insertInto('os_profiles')
        .values({ project: 'alpha', name: emt.name, doc: JSON.stringify(emt), created_at: at })
        .execute();
      await old
        .insertInto('hosts')
        .values({ id: 'h1', project: 'alpha', name: 'edge-1', labels: '{}', state: 'registered', created_at: at, updated_at: at })
        .execute();
      await old
        .insertInto('instances')
        .values({ id: 'i1', project: 'alpha', host_id: 'h1', os_profile: emt.name, created_at: at, updated_at: at })
        .execute();
    } finally {
      await old.destroy();
    }

    store = await openStore(config);
    const [migrated, ...others] = (await store.osProfiles.list('alpha')).items;
    expect(others).toEqual([]);
    expect(migrated).toEqual({
      ...emt,
      resourceId: expect.stringMatching(/^os-[0-9a-f]{8}$/),
      securityFeature: null,
      provider: null,
      platformBundle: null,
      unusedFields: {},
    });
    expect((await store.instances.get('alpha', 'i1')).osProfileVersion).toBe('3.0.20260602.2200');
    const next = { ...migrated!, version: '3.0.20260701.0100', resourceId: null };
    await store.osProfiles.create('alpha', next);
    expect((await store.osProfiles.get('alpha', { name: emt.name })).version).toBe('3.0.20260701.0100');
  });

  it('lists versions stored before migration 0017 the latest first, by value', async () => {
    const config = await createConfig();
    const old = (await openAt(config, '0015-create-onboarding-requests')) as Kysely<any>;
    const emt = parseOsProfileDocument(readFormat('os-profiles/microvisor-nonrt.yaml'));
    try {
      await old.insertInto('projects').values({ name: 'alpha', created_at: '2026-01-01T00:00:00Z' }).execute();
      for (const [i, version] of ['3.0.9', '3.0.10', '3.0.10.1', '3.0.2'].entries())
        await old
          .insertInto('os_profile_versions')
          .values({
            project: 'alpha',
            name: emt.name,
            version,
            resource_id: `os-0000000${i}`,
            doc: JSON.stringify({ ...emt, version, resourceId: `os-0000000${i}` }),
            created_at: '2026-01-01T00:00:00Z',
          })
          .execute();
    } finally {
      await old.destroy();
    }
    store = await openStore(config);
    expect((await store.osProfiles.list('alpha')).items.map((p) => p.version)).toEqual(['3.0.10.1', '3.0.10', '3.0.9', '3.0.2']);
    expect((await store.osProfiles.get('alpha', { name: emt.name })).version).toBe('3.0.10.1');
  });
});
