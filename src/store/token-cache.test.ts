import { describe, expect, it } from 'vitest';
import type { ApiToken, TokenStore } from './store.ts';
import { createTokenCache } from './token-cache.ts';

const TOKEN: ApiToken = { id: 't1', project: 'p', role: 'admin', name: 'ci', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: null };

/** A token store holding TOKEN under secret hash "h", counting its lookups. */
function fakeTokens() {
  const rows = new Map([['h', TOKEN]]);
  let lookups = 0;
  const store: TokenStore = {
    create: () => Promise.reject(new Error('not used')),
    list: () => Promise.resolve({ items: [...rows.values()], nextCursor: null }),
    findBySecretHash: (hash) => {
      lookups++;
      return Promise.resolve(rows.get(hash) ?? null);
    },
    delete: (_project, id) => {
      for (const [hash, token] of rows) if (token.id === id) rows.delete(hash);
      return Promise.resolve();
    },
  };
  return { store, lookups: () => lookups };
}

describe('createTokenCache', () => {
  it('looks a known token up once until its time in the cache is over', async () => {
    let clock = 0;
    const fake = fakeTokens();
    const tokens = createTokenCache({ ttlMs: 1000, now: () => clock }).wrap(fake.store);
    expect(await tokens.findBySecretHash('h')).toEqual(TOKEN);
    expect(await tokens.findBySecretHash('h')).toEqual(TOKEN);
    expect(fake.lookups()).toBe(1);
    clock = 1000;
    expect(await tokens.findBySecretHash('h')).toEqual(TOKEN);
    expect(fake.lookups()).toBe(2);
  });

  it('refuses a token deleted through any store it wraps at once, and remembers no unknown secret', async () => {
    const cache = createTokenCache();
    const fake = fakeTokens();
    const api = cache.wrap(fake.store);
    const inTransaction = cache.wrap(fake.store);
    await api.findBySecretHash('h');
    await inTransaction.delete('p', 't1');
    expect(await api.findBySecretHash('h')).toBeNull();
    expect(await api.findBySecretHash('h')).toBeNull();
    expect(fake.lookups()).toBe(3);
  });
});
