/**
 * Secrets at rest (kubeconfigs): AES-256-GCM with a key kept apart from the database. A sealed value names the
 * key it was sealed with (`eo1:<key id>:<iv, tag and ciphertext in base64url>`) and is bound to its row, so a
 * value copied to another row does not open. Values sealed with a previous key still open; openStore reseals
 * them (and any value stored in clear before encryption) under the current key, which is how a key is rotated.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.ts';

const PREFIX = 'eo1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The current key seals; previous keys (a rotation in progress) only open. */
export interface SecretKeyring {
  readonly current: Buffer;
  readonly previous: readonly Buffer[];
}

export interface SecretBox {
  /** The current key's id: every value sealed under it starts with `sealedPrefix`. */
  readonly sealedPrefix: string;
  /** `context` names the row (`clusters.kubeconfig:<id>`); the same context opens it. */
  seal(plain: string, context: string): string;
  /** A value stored before encryption is returned as is; a value sealed with a key not in the ring fails. */
  open(stored: string, context: string): string;
}

export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** A key from its text form (a key file's content or an environment variable): 32 bytes in base64. */
export function parseSecretKey(text: string, givenBy: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim()) {
    throw new AppError(
      'InvalidField',
      `${givenBy} must hold a ${KEY_BYTES}-byte key in base64 (for example: head -c 32 /dev/urandom | base64)`,
      {
        field: 'secretKey',
      },
    );
  }
  return key;
}

export const createSecretKeyText = (): string => `${randomBytes(KEY_BYTES).toString('base64')}\n`;

/** A keyring with one new random key (stores that live in memory only). */
export const createEphemeralKeyring = (): SecretKeyring => ({ current: randomBytes(KEY_BYTES), previous: [] });

export function createSecretBox({ current, previous }: SecretKeyring): SecretBox {
  const keys = new Map([current, ...previous].map((key) => [keyId(key), key]));
  const currentId = keyId(current);
  return {
    sealedPrefix: `${PREFIX}${currentId}:`,
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv).setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${currentId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [id = '', data = ''] = stored.slice(PREFIX.length).split(':');
      const key = keys.get(id);
      if (!key) {
        throw new AppError(
          'Internal',
          `a secret in the database (${context}) is sealed with key ${id}, which this server was not given; start it with that key (--secret-key-file, or as --previous-secret-key-file while rotating)`,
        );
      }
      const raw = Buffer.from(data, 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(Buffer.from(context));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new AppError('Internal', `a secret in the database (${context}) does not open with key ${id}: it was altered or moved`, {
          cause,
        });
      }
    },
  };
}
