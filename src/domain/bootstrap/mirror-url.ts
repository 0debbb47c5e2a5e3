/**
 * The artifact mirror's base URL, checked once (at server start-up): the bootstrap plan pastes it into the
 * install script's environment, which the script uses unquoted.
 */
import { invalidField } from '../errors.ts';

/** A mirror base URL that passed parseMirrorUrl: http(s), no credentials, no shell characters, no trailing slash. */
export type MirrorUrl = string & { readonly mirrorUrl: unique symbol };

/** Characters the K3s install script can take unquoted in a URL (no spaces, quotes, `$`, `;`, `&`, `?`, `#`). */
export const PLAIN_URL = /^[A-Za-z0-9._~:/%+[\]-]+$/;

/** The mirror URL with trailing slashes dropped; `givenBy` names where it came from, for the error (a flag, a variable). */
export function parseMirrorUrl(text: string, givenBy?: string): MirrorUrl {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || !PLAIN_URL.test(text)) {
    throw invalidField(
      'mirrorUrl',
      `mirror URL ${JSON.stringify(text)}${givenBy ? ` (${givenBy})` : ''} must be an http(s) URL without credentials, query, fragment or shell characters, for example http://10.0.0.1:8080/mirror`,
    );
  }
  return text.replace(/\/+$/, '') as MirrorUrl;
}
