/**
 * Secrets at rest, attacked as someone who reads the database (a copied SQLite file, a database backup): the
 * kubeconfig (a cluster-admin key) is not in it, the key is kept apart from it, a sealed value cannot be moved
 * to another row, a key can be rotated, and every file the server writes is private whatever the umask and
 * the directory's mode were.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { SecretKeyring } from '../../src/store/secret-box.ts';
import type { Store } from '../../src/store/store.ts';
import { addCluster, addHost, addOsProfile, addTemplate, PROJECT } from '../../src/workflow/use-cases/test-inventory.ts';
import { HOST_KUBECONFIG } from '../support/kubeconfig.ts';

const mode = (path: string): number => statSync(path).mode & 0o777;
const newKey = (): Buffer => randomBytes(32);

describe('kubeconfigs at rest in SQLite', () => {
  let dir: string;
  let file: string;
  const [oldKey, newerKey] = [newKey(), newKey()];
  const open = (secrets: SecretKeyring): Promise<Store> => openStore({ engine: 'sqlite', file, secrets });
  /** The kubeconfig column as anyone with the file reads it. */
  const rawKubeconfigs = (): (string | null)[] => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('select kubeconfig from clusters order by name').all() as { kubeconfig: string | null }[]).map(
        (r) => r.kubeconfig,
      );
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-orch-at-rest-'));
    // A shared directory and a permissive umask: the database must stay private all the same.
    chmodSync(dir, 0o777);
    file = join(dir, 'edge-orch.sqlite');
    const umask = process.umask(0);
    try {
      const store = await open({ current: oldKey, previous: [] });
      await store.projects.ensure(PROJECT);
      await addOsProfile(store);
      await addTemplate(store);
      await addCluster(store, 'store-1', [await addHost(store, 'SN-1')]);
      await addCluster(store, 'store-2', [await addHost(store, 'SN-2')]);
      await store.clusters.setKubeconfig(PROJECT, 'store-1', HOST_KUBECONFIG);
      expect(mode(file)).toBe(0o600);
      for (const side of ['-wal', '-shm']) expect(mode(`${file}${side}`)).toBe(0o600);
      await store.close();
    } finally {
      process.umask(umask);
    }
  });

  it('keeps no kubeconfig, key or token in the file, only a value sealed under the key', async () => {
    const bytes = readFileSync(file);
    expect(bytes.includes('client-key-data')).toBe(false);
    expect(bytes.includes('a2V5')).toBe(false);
    expect(bytes.includes(oldKey)).toBe(false);
    expect(rawKubeconfigs()[0]).toMatch(/^eo1:[0-9a-f]{16}:/);
    const store = await open({ current: oldKey, previous: [] });
    expect(await store.clusters.getKubeconfig(PROJECT, 'store-1')).toBe(HOST_KUBECONFIG);
    // The join token, which lets a machine join the cluster, is sealed the same way.
    const token = await store.clusters.getJoinToken(PROJECT, 'store-1');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(bytes.includes(token!)).toBe(false);
    await store.close();
  });

  it('refuses a sealed value moved to another cluster', async () => {
    const db = new Database(file);
    db.prepare("update clusters set kubeconfig = (select kubeconfig from clusters where name = 'store-1') where name = 'store-2'").run();
    db.close();
    const store = await open({ current: oldKey, previous: [] });
    await expect(store.clusters.getKubeconfig(PROJECT, 'store-2')).rejects.toThrow(/does not open with key .*: it was altered or moved/);
    expect(await store.clusters.getKubeconfig(PROJECT, 'store-1')).toBe(HOST_KUBECONFIG);
    await store.clusters.setKubeconfig(PROJECT, 'store-2', HOST_KUBECONFIG);
    await store.close();
  });

  it('rotates the key: opened with the new key and the old one as previous, every value is resealed under the new one', async () => {
    const before = rawKubeconfigs();
    const rotating = await open({ current: newerKey, previous: [oldKey] });
    await rotating.close();
    const after = rawKubeconfigs();
    expect(after.every((value, i) => value !== before[i] && value!.startsWith(after[0]!.slice(0, 21)))).toBe(true);
    const rotated = await open({ current: newerKey, previous: [] });
    expect(await rotated.clusters.getKubeconfig(PROJECT, 'store-1')).toBe(HOST_KUBECONFIG);
    await rotated.close();
    // The old key alone no longer opens the database's secrets: the store refuses to open, naming the key.
    await expect(open({ current: oldKey, previous: [] })).rejects.toThrow(/sealed with key [0-9a-f]{16}, which this server was not given/);
  });

  it('seals kubeconfigs stored in clear before encryption when the store opens', async () => {
    const db = new Database(file);
    db.prepare("update clusters set kubeconfig = ? where name = 'store-2'").run(HOST_KUBECONFIG);
    db.close();
    const store = await open({ current: newerKey, previous: [] });
    expect(rawKubeconfigs()[1]).toMatch(/^eo1:/);
    expect(await store.clusters.getKubeconfig(PROJECT, 'store-2')).toBe(HOST_KUBECONFIG);
    await store.close();
  });
});

describe('the files a server writes', () => {
  let dataDir: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'edge-orch-files-')), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const umask = process.umask(0);
    try {
      const server = await startServer(loadServerConfig({ dataDir, port: 0, logLevel: 'silent' }, {}));
      close = () => server.close();
    } finally {
      process.umask(umask);
    }
  });
  afterAll(async () => close?.());

  it('are 0600 in a 0700 data directory, whatever the directory was and whatever the umask', () => {
    expect(mode(dataDir)).toBe(0o700);
    for (const name of [
      'edge-orch.sqlite',
      'edge-orch.sqlite-wal',
      'edge-orch.sqlite-shm',
      'secret-key',
      'ca.key',
      'ca.crt',
      'admin-token',
    ])
      expect([name, mode(join(dataDir, name))]).toEqual([name, 0o600]);
  });

  it('keep the secret key apart from the database', () => {
    const key = readFileSync(join(dataDir, 'secret-key'), 'utf8').trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(readFileSync(join(dataDir, 'edge-orch.sqlite')).includes(key)).toBe(false);
  });
});
