/** The API token door: a token past its expiry opens nothing; an expiry is checked when the token is made. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSecret, hashTokenSecret } from '../../src/workflow/token-secret.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { A } from '../support/enrollment-calls.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('API token expiry on $name', ({ createStore }) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
  });
  afterAll(async () => api?.close());

  it('refuses an expired admin token on every kind of route', async () => {
    const secret = createTokenSecret();
    await api.store.tokens.create({
      project: 'alpha',
      role: 'admin',
      name: 'expired',
      secretHash: hashTokenSecret(secret),
      expiresAt: '2020-01-01T00:00:00.000Z',
    });
    for (const [method, url] of [
      ['GET', `${A}/hosts`],
      ['POST', `${A}/tokens`],
      ['GET', `${A}/audit`],
    ] as const) {
      const res = await api.call(method, url, { token: secret, ...(method === 'POST' ? { body: { name: 'x', role: 'admin' } } : {}) });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ code: 'Unauthenticated', reason: 'ApiTokenExpired' });
    }
  });

  it('makes a token that works until its expiry, shows the expiry, and refuses one in the past', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api.call('POST', `${A}/tokens`, { body: { name: 'ci', role: 'viewer', expiresAt } });
    expect(created.json()).toMatchObject({ name: 'ci', role: 'viewer', expiresAt });
    expect((await api.call('GET', `${A}/hosts`, { token: created.json().token })).statusCode).toBe(200);
    const listed = (await api.call('GET', `${A}/tokens`)).json().items;
    expect(listed.find((t: { name: string }) => t.name === 'ci')).toMatchObject({ expiresAt });
    const past = await api.call('POST', `${A}/tokens`, { body: { name: 'old', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' } });
    expect(past.json()).toMatchObject({ status: 400, code: 'InvalidField', field: 'expiresAt' });
  });
});
