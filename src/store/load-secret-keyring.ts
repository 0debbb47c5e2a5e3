/**
 * Where the secret key comes from: a 0600 key file (the default, `<data dir>/secret-key`, made at first start)
 * or an environment variable, for deployments whose servers share a PostgreSQL database and so one key. A
 * previous key, given while rotating, only opens what was sealed with it (secret-box.ts).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { AppError } from '../domain/errors.ts';
import { createSecretKeyText, parseSecretKey, type SecretKeyring } from './secret-box.ts';

export type SecretKeySource =
  | { kind: 'file'; path: string; /** the default file is made at first start; a named one must exist */ createIfMissing: boolean }
  | { kind: 'value'; value: string; givenBy: string };

export interface SecretKeySources {
  current: SecretKeySource;
  previous: SecretKeySource | null;
}

export async function loadSecretKeyring({ current, previous }: SecretKeySources): Promise<SecretKeyring> {
  return { current: await loadKey(current), previous: previous ? [await loadKey(previous)] : [] };
}

async function loadKey(source: SecretKeySource): Promise<Buffer> {
  if (source.kind === 'value') return parseSecretKey(source.value, source.givenBy);
  const { path, createIfMissing } = source;
  if (createIfMissing) {
    // Exclusive create: two servers starting at once on one data directory end up with the same key.
    await writeFile(path, createSecretKeyText(), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await chmod(path, 0o600);
  }
  const text = await readFile(path, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new AppError('InvalidField', `the secret key file ${path} cannot be read (${cause.code ?? cause.message})`, {
      field: 'secretKeyFile',
      cause,
    });
  });
  return parseSecretKey(text, `the secret key file ${path}`);
}
