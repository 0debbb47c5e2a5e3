/**
 * `edge-orch secrets rotate`: reseals every secret at rest under a new key, with the servers stopped (a running
 * server holds its key in memory: it could not open what is resealed under a key it lacks, and would keep sealing
 * under the old one). Each row is resealed by its own conditional update, so an interrupted rotation leaves every
 * row readable with one of the two keys; the new key waits in `<key file>.new` until every row is sealed with it,
 * so running the command again resumes with that same key. Only then does the new key replace the key file.
 */
import { rename, writeFile, chmod } from 'node:fs/promises';
import { AppError } from '../domain/errors.ts';
import { loadSecretKeyring, type SecretKeySource } from './load-secret-keyring.ts';
import { openStore } from './open-store.ts';
import { createSecretKeyText, keyId } from './secret-box.ts';
import type { EngineConfig } from './store-config.ts';

export interface SecretKeyRotation {
  store: EngineConfig;
  /** The key the secrets are sealed with now. */
  current: SecretKeySource;
  /** Where the new key is (made there when missing); default `<current key file>.new`, which then replaces the key file. */
  newKeyFile?: string | undefined;
}

export interface RotationReport {
  /** Secrets stored (kubeconfigs). */
  total: number;
  /** Resealed by this run; the others were under the new key already (a resumed rotation). */
  resealed: number;
  oldKeyId: string;
  newKeyId: string;
  /** The file that holds the new key: the key file itself when it was replaced, else the one given. */
  newKeyFile: string;
  /** Whether the key file was replaced by the new key (the default); otherwise servers must be pointed at newKeyFile. */
  replacedKeyFile: boolean;
}

export async function rotateSecretKey({ store: engine, current, newKeyFile }: SecretKeyRotation): Promise<RotationReport> {
  const defaultNewFile = current.kind === 'file' ? `${current.path}.new` : null;
  const nextPath = newKeyFile ?? defaultNewFile;
  if (nextPath === null)
    throw new AppError(
      'InvalidField',
      `the current key comes from ${current.kind === 'value' ? current.givenBy : 'a value'}: give the new key's file with --new-secret-key-file (made there when missing)`,
      { field: 'newSecretKeyFile' },
    );
  // Exclusive create: a second run (resuming) reuses the key the first one sealed rows with.
  await writeFile(nextPath, createSecretKeyText(), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(nextPath, 0o600);
  const oldSource: SecretKeySource = current.kind === 'file' ? { ...current, createIfMissing: false } : current;
  const { current: oldKey } = await loadSecretKeyring({ current: oldSource, previous: null });
  const { current: newKey } = await loadSecretKeyring({
    current: { kind: 'file', path: nextPath, createIfMissing: false },
    previous: null,
  });
  if (newKey.equals(oldKey))
    throw new AppError('InvalidField', `the new key in ${nextPath} is the current key`, { field: 'newSecretKeyFile' });

  const store = await openStore({ ...engine, secrets: { current: newKey, previous: [oldKey] } }, { resealSecrets: false });
  let resealed: number;
  let total: number;
  try {
    resealed = (await store.clusters.resealSecrets()) + (await store.managementClusters.resealSecrets());
    const counts = [await store.clusters.countSecrets(), await store.managementClusters.countSecrets()];
    total = counts.reduce((sum, c) => sum + c.total, 0);
    const underCurrentKey = counts.reduce((sum, c) => sum + c.underCurrentKey, 0);
    if (underCurrentKey !== total)
      throw new AppError('Internal', `${total - underCurrentKey} secret(s) were changed during the rotation; run it again`);
  } finally {
    await store.close();
  }
  const replacedKeyFile = current.kind === 'file' && nextPath === defaultNewFile;
  if (replacedKeyFile) await rename(nextPath, current.path);
  return {
    total,
    resealed,
    oldKeyId: keyId(oldKey),
    newKeyId: keyId(newKey),
    newKeyFile: replacedKeyFile ? current.path : nextPath,
    replacedKeyFile,
  };
}
