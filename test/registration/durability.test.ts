/**
 * Durability: a 2,000-host job survives SIGKILLs of the server at random points and finishes with every host,
 * instance and cluster exactly once, and no succeeded step whose resource is missing. On PostgreSQL, two
 * servers share one job and no step runs twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../src/store/store-config.ts';
import { openStore } from '../../src/store/open-store.ts';
import { loadSecretKeyring } from '../../src/store/load-secret-keyring.ts';
import { SECRET_KEY_FILE } from '../../src/config.ts';
import type { Store } from '../../src/store/store.ts';
import { engines } from '../support/engines.ts';
import { createClient, readAdminToken, seedInventory, sleep, startServerProcess, type ServerProcess } from './server-process.ts';

const HOSTS = 2_000;
const KILLS = 3;
const R = '/api/v1/projects/default/registrations';

interface Totals {
  hosts: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
}
interface Step {
  step: string;
  status: string;
  resourceId: string | null;
  attempts: number;
}
interface HostRow {
  index: number;
  serial: string;
  status: string;
  steps: Step[];
}

const jobBody = (prefix: string) => ({
  defaults: { autoProvision: true, autoCluster: true, osProfile: 'microvisor-nonrt', template: 'baseline-k3s:v0.0.4' },
  hosts: Array.from({ length: HOSTS }, (_, i) => ({ serial: `${prefix}-${String(i).padStart(5, '0')}`, site: `site-${i % 7}` })),
});

async function allPages<T>(fetchPage: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Every host exactly once, with its instance and cluster, and every succeeded step's resource present. */
async function expectExactlyOnce(store: Store, rows: HostRow[], prefix: string): Promise<void> {
  const hosts = (await allPages((cursor) => store.hosts.list('default', {}, { limit: 500, cursor }))).filter((h) =>
    h.serial?.startsWith(`${prefix}-`),
  );
  const instances = await allPages((cursor) => store.instances.list('default', { limit: 500, cursor }));
  const clusters = await allPages((cursor) => store.clusters.list('default', { limit: 500, cursor }));
  expect(hosts).toHaveLength(HOSTS);
  expect(new Set(hosts.map((h) => h.serial)).size).toBe(HOSTS);
  const hostIds = new Set(hosts.map((h) => h.id));
  const ours = instances.filter((i) => hostIds.has(i.hostId));
  expect(ours).toHaveLength(HOSTS);
  expect(new Set(ours.map((i) => i.hostId)).size).toBe(HOSTS);
  const ourClusters = clusters.filter((c) => c.nodes.some((n) => hostIds.has(n.hostId)));
  expect(ourClusters).toHaveLength(HOSTS);
  expect(new Set(ourClusters.map((c) => c.nodes[0]!.hostId)).size).toBe(HOSTS);

  const instanceIds = new Set(ours.map((i) => i.id));
  const clusterByName = new Map(ourClusters.map((c) => [c.name, c]));
  expect(rows).toHaveLength(HOSTS);
  for (const row of rows) {
    const [register, instance, cluster] = row.steps;
    expect(row.status, `hosts/${row.index}`).toBe('succeeded');
    expect(hostIds.has(register!.resourceId!), `hosts/${row.index} host`).toBe(true);
    expect(instanceIds.has(instance!.resourceId!), `hosts/${row.index} instance`).toBe(true);
    expect(clusterByName.get(cluster!.resourceId!)?.nodes, `hosts/${row.index} cluster`).toEqual([
      { hostId: register!.resourceId, role: 'all' },
    ]);
  }
}

const tempDirs: string[] = [];
const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.kill().catch(() => {});
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The server's --database for a store config. */
const databaseArg = (config: StoreConfig): string => (config.engine === 'sqlite' ? `sqlite:${config.file}` : config.connectionString);

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-orch-durability-'));
  tempDirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof startServerProcess>[0]): Promise<ServerProcess> {
  const server = await startServerProcess(options);
  running.push(server);
  return server;
}

describe.each(engines)('registration durability on $name', (engine) => {
  it(`finishes a ${HOSTS}-host job after ${KILLS} SIGKILLs at random points, with every resource exactly once`, async () => {
    const dataDir = await newDataDir();
    const config = await engine.createConfig();
    const database = databaseArg(config);
    let server = await start({ dataDir, database });
    const request = createClient(() => server.url, await readAdminToken(dataDir));
    await seedInventory(request);

    const began = Date.now();
    const created = await request<{ id: string }>('POST', `${R}?wait=0`, jobBody('DUR'), [202]);
    const kills: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // Kill somewhere inside the next stretch of the job, not before it started or after it ended.
      const target = Math.floor(((k + Math.random()) / (KILLS + 1)) * HOSTS);
      for (;;) {
        const job = await request<{ totals: Totals }>('GET', `${R}/${created.id}`);
        if (job.totals.succeeded >= target) break;
        await sleep(20);
      }
      await sleep(Math.random() * 100);
      await server.kill();
      running.splice(running.indexOf(server), 1);
      kills.push(target);
      server = await start({ dataDir, database });
    }
    let job: { status: string; totals: Totals };
    do {
      await sleep(200);
      job = await request('GET', `${R}/${created.id}`);
    } while (job.status !== 'succeeded' && job.status !== 'failed');
    const seconds = (Date.now() - began) / 1000;
    expect(job).toMatchObject({ status: 'succeeded', totals: { hosts: HOSTS, succeeded: HOSTS, failed: 0 } });

    const rows = await allPages<HostRow>((cursor) =>
      request('GET', `${R}/${created.id}/hosts?limit=500${cursor ? `&cursor=${cursor}` : ''}`),
    );
    const rerun = rows.filter((r) => r.steps.some((s) => s.attempts > 1)).length;
    console.info(
      `[${engine.name}] ${HOSTS} hosts, killed after ~${kills.join(', ')} hosts, finished in ${seconds.toFixed(1)} s; ${rerun} hosts had a step started again after a kill`,
    );
    await server.stop();
    running.splice(running.indexOf(server), 1);

    // The server sealed its clusters' join tokens with the key in its data directory.
    const secrets = await loadSecretKeyring({
      current: { kind: 'file', path: join(dataDir, SECRET_KEY_FILE), createIfMissing: false },
      previous: null,
    });
    const store = await openStore({ ...config, secrets });
    try {
      await expectExactlyOnce(store, rows, 'DUR');
    } finally {
      await store.close();
    }
  }, 150_000);

  it.runIf(engine.name === 'postgres')(
    'shares one job between two servers on one database, running each step once',
    async () => {
      const config = await engine.createConfig();
      const database = databaseArg(config);
      const [dirA, dirB] = [await newDataDir(), await newDataDir()];
      const a = await start({ dataDir: dirA, database, leaseMs: 10_000 });
      // The second server only works the job: its worker claims hosts from the same database.
      await start({ dataDir: dirB, database, leaseMs: 10_000 });
      const request = createClient(() => a.url, await readAdminToken(dirA));
      await seedInventory(request);
      const store = await openStore(config);
      const sql = new pg.Client({ connectionString: database });
      await sql.connect();
      try {
        const began = Date.now();
        const created = await request<{ id: string }>('POST', `${R}?wait=0`, jobBody('TWO'), [202]);
        const owners = new Set<string>();
        let job: { status: string; totals: Totals };
        do {
          const { rows: leased } = await sql.query<{ lease_owner: string }>(
            'select distinct lease_owner from registration_hosts where lease_owner is not null',
          );
          for (const { lease_owner: owner } of leased) owners.add(owner);
          await sleep(50);
          job = await request('GET', `${R}/${created.id}`);
        } while (job.status !== 'succeeded' && job.status !== 'failed');
        const seconds = (Date.now() - began) / 1000;
        expect(job.totals).toEqual({ hosts: HOSTS, pending: 0, running: 0, succeeded: HOSTS, failed: 0 });
        expect(owners.size).toBe(2);

        const rows = await allPages<HostRow>((cursor) =>
          request('GET', `${R}/${created.id}/hosts?limit=500${cursor ? `&cursor=${cursor}` : ''}`),
        );
        const attempts = rows.flatMap((r) => r.steps.map((s) => s.attempts));
        expect(attempts.filter((n) => n !== 1)).toEqual([]);
        expect(attempts).toHaveLength(3 * HOSTS);
        console.info(`[postgres] ${HOSTS} hosts on two servers in ${seconds.toFixed(1)} s`);
        await expectExactlyOnce(store, rows, 'TWO');
      } finally {
        await sql.end();
        await store.close();
      }
    },
    150_000,
  );
});
