/**
 * The template store on every engine: a template comes back as imported (its control plane untouched) with its
 * typed config, and rows stored before migration 0004 load, a now-refused one marked refused; versions stored before
 * migration 0017 list in version order.
 */
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterEach, describe, expect, it } from 'vitest';
import { computeBootstrapPlan } from '../../src/domain/bootstrap/bootstrap-plan.ts';
import { AppError } from '../../src/domain/errors.ts';
import { parseTemplate, type ClusterTemplate } from '../../src/domain/inventory/template.ts';
import type { Database } from '../../src/store/database.ts';
import { createDb as createPostgresDb } from '../../src/store/engines/postgres.ts';
import { createDb as createSqliteDb } from '../../src/store/engines/sqlite.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreConfig } from '../../src/store/store-config.ts';
import type { Store } from '../../src/store/store.ts';
import { bootstrapInput, ubuntuProfile } from '../agent/support/plans.ts';
import { engines } from '../support/engines.ts';
import { readFormat, templateFiles } from '../support/formats.ts';

const shared = (file: string): ClusterTemplate => parseTemplate(JSON.parse(readFormat(file)));

/** A database migrated up to `last` only, as a server of that release left it. */
async function openAt(config: StoreConfig, last: string): Promise<Kysely<Database>> {
  const db = config.engine === 'sqlite' ? createSqliteDb(config) : createPostgresDb(config);
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(last);
  if (error) throw error;
  return db;
}

describe.each(engines)('template store on $name', ({ createConfig }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('gives back every shared template as imported, with the config parsed at import', async () => {
    store = await openStore(await createConfig());
    await store.projects.ensure('alpha');
    for (const file of templateFiles()) await store.templates.create('alpha', shared(file));
    for (const file of templateFiles()) {
      const imported = shared(file);
      const stored = await store.templates.get('alpha', imported);
      expect(stored).toEqual(imported);
      expect(stored.controlPlane).toEqual(JSON.parse(readFormat(file))['clusterconfiguration']);
    }
    const listed = (await store.templates.list('alpha', { flavor: 'k3s' })).items;
    expect(listed.map((t) => t.config.kind)).toEqual(['k3s', 'k3s', 'k3s', 'k3s']);
  });

  it('loads rows stored before migration 0004, parsing them, and keeps a now-refused one loadable, marked refused', async () => {
    const config = await createConfig();
    const old = await openAt(config, '0003-create-registration-jobs');
    const good = shared('templates/baseline-k3s-v0.0.4.json');
    const rke2 = shared('templates/baseline-rke2-v2.0.2.json');
    const broken = structuredClone({ ...good, version: 'v0.0.5' });
    (broken.controlPlane as any).spec.template.spec.kthreesConfigSpec.agentConfig.kubeletArgs = '--max-pods=250';
    try {
      await old.insertInto('projects').values({ name: 'alpha', created_at: '2026-01-01T00:00:00Z' }).execute();
      for (const { config: _config, ...doc } of [good, rke2, broken]) {
        await (old as Kysely<any>)
          .insertInto('templates')
          .values({
            project: 'alpha',
            name: doc.name,
            version: doc.version,
            flavor: doc.flavor,
            kubernetes_version: doc.kubernetesVersion,
            doc: JSON.stringify(doc),
            created_at: '2026-01-01T00:00:00Z',
          })
          .execute();
      }
    } finally {
      await old.destroy();
    }

    store = await openStore(config);
    const listed = (await store.templates.list('alpha')).items;
    expect(listed.map((t) => [t.name, t.version, t.config.kind])).toEqual([
      ['baseline', 'v2.0.2', 'rke2'],
      ['baseline-k3s', 'v0.0.4', 'k3s'],
      ['baseline-k3s', 'v0.0.5', 'refused'],
    ]);
    expect(await store.templates.get('alpha', good)).toEqual(good);
    const refused = await store.templates.get('alpha', { name: 'baseline-k3s', version: 'v0.0.5' });
    expect(refused.controlPlane).toEqual(broken.controlPlane);
    expect(refused.config).toEqual({
      kind: 'refused',
      field: 'controlPlane/spec/template/spec/kthreesConfigSpec/agentConfig/kubeletArgs',
      detail:
        'controlPlane/spec/template/spec/kthreesConfigSpec/agentConfig/kubeletArgs must be a list of strings, got string "--max-pods=250"',
    });

    // Its hosts are told why, as an InvalidState that names the field (a `blocked` answer to the agent).
    let error: unknown;
    try {
      computeBootstrapPlan(bootstrapInput(refused, ubuntuProfile()));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'InvalidState',
      field: 'controlPlane/spec/template/spec/kthreesConfigSpec/agentConfig/kubeletArgs',
      detail:
        'template baseline-k3s:v0.0.5 was stored before its control plane was checked at import and is refused now: controlPlane/spec/template/spec/kthreesConfigSpec/agentConfig/kubeletArgs must be a list of strings, got string "--max-pods=250"; import a corrected version',
    });
  });

  it('lists versions stored before migration 0017 by value, a -dev version before its release', async () => {
    const config = await createConfig();
    const old = (await openAt(config, '0015-create-onboarding-requests')) as Kysely<any>;
    const { config: controlPlane, ...doc } = shared('templates/baseline-k3s-v0.0.4.json');
    try {
      await old.insertInto('projects').values({ name: 'alpha', created_at: '2026-01-01T00:00:00Z' }).execute();
      for (const version of ['v0.0.10', 'v0.0.9', 'v0.0.10-dev', 'v0.1.0'])
        await old
          .insertInto('templates')
          .values({
            project: 'alpha',
            name: doc.name,
            version,
            flavor: doc.flavor,
            kubernetes_version: doc.kubernetesVersion,
            doc: JSON.stringify({ ...doc, version }),
            config: JSON.stringify(controlPlane),
            created_at: '2026-01-01T00:00:00Z',
          })
          .execute();
    } finally {
      await old.destroy();
    }
    store = await openStore(config);
    expect((await store.templates.list('alpha')).items.map((t) => t.version)).toEqual(['v0.0.9', 'v0.0.10-dev', 'v0.0.10', 'v0.1.0']);
  });
});
