/**
 * `edge-orch secrets rotate`, run as an operator runs it, on both engines: after it the new key (now in the key
 * file) opens every kubeconfig and the old key alone opens none; a rotation interrupted part-way resumes with the
 * same new key; the command reports counts and prints neither key nor secret.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { keyId, parseSecretKey, type SecretKeyring } from '../../src/store/secret-box.ts';
import type { StoreConfig } from '../../src/store/store-config.ts';
import { addCluster, addHost, addOsProfile, addTemplate, PROJECT } from '../../src/workflow/use-cases/test-inventory.ts';
import { createEdgeOrchCli } from '../support/edge-orch-cli.ts';
import { engines } from '../support/engines.ts';
import { HOST_KUBECONFIG } from '../support/kubeconfig.ts';

const CLUSTERS = ['store-1', 'store-2', 'store-3'];

describe.each(engines)('secrets rotate on $name', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-orch-rotate-'));
  const keyFile = join(dir, 'secret-key');
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
  let config: StoreConfig;
  let output: { code: number; stdout: string; stderr: string };
  const open = (secrets: SecretKeyring, resealSecrets = true) => openStore({ ...config, secrets }, { resealSecrets });

  beforeAll(async () => {
    config = await engine.createConfig();
    writeFileSync(keyFile, `${oldKey.toString('base64')}\n`, { mode: 0o600 });
    const store = await open({ current: oldKey, previous: [] });
    await store.projects.ensure(PROJECT);
    await addOsProfile(store);
    await addTemplate(store);
    for (const [i, name] of CLUSTERS.entries()) {
      await addCluster(store, name, [await addHost(store, `SN-${i}`)]);
      await store.clusters.setKubeconfig(PROJECT, name, `${HOST_KUBECONFIG}# ${name}\n`);
    }
    await store.close();

    // A rotation interrupted after one row: the new key waits beside the key file, one kubeconfig is under it.
    writeFileSync(`${keyFile}.new`, `${newKey.toString('base64')}\n`, { mode: 0o600 });
    const partial = await open({ current: newKey, previous: [oldKey] }, false);
    await partial.clusters.setKubeconfig(PROJECT, 'store-1', `${HOST_KUBECONFIG}# store-1\n`);
    await partial.close();

    const database = config.engine === 'sqlite' ? `sqlite:${config.file}` : config.connectionString;
    output = await createEdgeOrchCli({ home: dir }).run(['secrets', 'rotate', '--database', database, '--secret-key-file', keyFile]);
  });

  it('resumes with the same new key, reports counts, and prints no secret', () => {
    expect(output.code, output.stderr).toBe(0);
    expect(output.stdout).toBe(
      [
        `resealed 5 of 6 secret(s) under key ${keyId(newKey)} (1 were already); none is left under key ${keyId(oldKey)}`,
        `the key file ${keyFile} now holds the new key; start the servers as before`,
        '',
      ].join('\n'),
    );
    for (const secret of [oldKey.toString('base64'), newKey.toString('base64'), 'client-key-data'])
      expect(`${output.stdout}${output.stderr}`).not.toContain(secret);
  });

  it('leaves the new key in the key file, private, and no key waiting beside it', () => {
    expect(parseSecretKey(readFileSync(keyFile, 'utf8'), keyFile).equals(newKey)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(`${keyFile}.new`)).toBe(false);
  });

  // Each cluster holds two secrets: its kubeconfig and its join token.
  it('opens every kubeconfig and join token with the new key and none with the old key alone', async () => {
    await expect(open({ current: oldKey, previous: [] })).rejects.toThrow(
      `sealed with key ${keyId(newKey)}, which this server was not given`,
    );
    const old = await open({ current: oldKey, previous: [] }, false);
    try {
      for (const name of CLUSTERS) {
        await expect(old.clusters.getKubeconfig(PROJECT, name)).rejects.toThrow(/which this server was not given/);
        await expect(old.clusters.getJoinToken(PROJECT, name)).rejects.toThrow(/which this server was not given/);
      }
    } finally {
      await old.close();
    }
    const store = await open({ current: newKey, previous: [] });
    try {
      for (const name of CLUSTERS) {
        expect(await store.clusters.getKubeconfig(PROJECT, name)).toBe(`${HOST_KUBECONFIG}# ${name}\n`);
        expect(await store.clusters.getJoinToken(PROJECT, name)).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(await store.clusters.countSecrets()).toEqual({ total: 6, underCurrentKey: 6 });
    } finally {
      await store.close();
    }
  });
});
