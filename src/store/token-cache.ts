/**
 * API token lookups from memory: every authenticated request looks its token up, and tokens never change (they
 * are created and deleted). A token deleted through this process's store is evicted at once; one deleted by
 * another replica sharing the database is answered from here for at most `ttlMs`, after which it is read again.
 * Expiry needs no eviction: the cached token carries its expiresAt, which is checked on every request. Unknown
 * secrets are not remembered, so a token created on another replica works at once.
 */
import type { ApiToken, TokenStore } from './store.ts';

export interface TokenCache {
  /** The token store `tokens` with its lookups by secret served from this cache. */
  wrap(tokens: TokenStore): TokenStore;
}

export function createTokenCache({ ttlMs = 5_000, maxEntries = 10_000, now = Date.now } = {}): TokenCache {
  const entries = new Map<string, { token: ApiToken; until: number }>();
  const evict = (id: string): void => {
    for (const [hash, entry] of entries) if (entry.token.id === id) entries.delete(hash);
  };
  return {
    wrap: (tokens) => ({
      ...tokens,
      async findBySecretHash(secretHash) {
        const entry = entries.get(secretHash);
        if (entry && entry.until > now()) return entry.token;
        entries.delete(secretHash);
        const token = await tokens.findBySecretHash(secretHash);
        if (token) {
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(secretHash, { token, until: now() + ttlMs });
        }
        return token;
      },
      async delete(project, id) {
        evict(id);
        await tokens.delete(project, id);
      },
    }),
  };
}
