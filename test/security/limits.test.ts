/**
 * The API's doors replayed as attacks: oversized bodies, bodies nested to exhaust the stack, type-coerced bodies,
 * enrollment floods and credential guessing. Each attack here succeeded before the limits; now it fails with a
 * problem document. Engine-independent, so on SQLite only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralKeyring } from '../../src/store/secret-box.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

async function createSqliteHarness(limits: Parameters<typeof createApiHarness>[1] = {}): Promise<ApiHarness> {
  const store = await openStore({
    engine: 'sqlite',
    file: join(mkdtempSync(join(tmpdir(), 'edge-orch-limits-')), 'db.sqlite'),
    secrets: createEphemeralKeyring(),
  });
  return createApiHarness(store, limits);
}

describe('request bodies', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createSqliteHarness();
  });
  afterAll(() => api.close());

  it('refuses an enrollment body over 16 KiB without a token, as PayloadTooLarge', async () => {
    const res = await api.call('POST', '/api/v1/agent/enroll', {
      token: null,
      headers: JSON_HEADERS,
      body: JSON.stringify({ enrollmentToken: 'x', serial: 'S', padding: 'p'.repeat(17 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'PayloadTooLarge',
      detail: "the request body is larger than this route's limit of 16384 bytes",
    });
  });

  it('refuses a body over 1 MiB on an ordinary route and takes one on the bulk registration route', async () => {
    const big = JSON.stringify({ name: 'n'.repeat(1024 * 1024), role: 'viewer' });
    expect((await api.call('POST', '/api/v1/projects/alpha/tokens', { headers: JSON_HEADERS, body: big })).json().code).toBe(
      'PayloadTooLarge',
    );
    // Past 1 MiB, so only the bulk limit lets it through to the dry run (which finds the over-long name).
    const registration = JSON.stringify({ dryRun: true, hosts: [{ name: 'n'.repeat(2 * 1024 * 1024), serial: 'BULK-1' }] });
    const res = await api.call('POST', '/api/v1/projects/alpha/registrations', { headers: JSON_HEADERS, body: registration });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, valid: false, totals: { hosts: 1, failed: 1 } });
  });

  it('answers 21 deeply nested bodies with 400 MalformedDocument, with a token and without one', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () =>
        api.call('POST', '/api/v1/projects/alpha/tokens', { headers: JSON_HEADERS, body: nested(30_000) }),
      ),
      api.call('POST', '/api/v1/agent/enroll', { token: null, headers: JSON_HEADERS, body: nested(8_000) }),
    ]);
    for (const res of answers) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'MalformedDocument', field: `body${'/0'.repeat(64)}` });
    }
    expect(answers[0]!.json().detail).toBe(`the request body is nested deeper than 64 levels (at body${'/0'.repeat(64)})`);
    expect((await api.call('GET', '/healthz', { token: null })).statusCode).toBe(200);
  });

  it('takes a body nested exactly as deep as the limit to the schema check', async () => {
    const res = await api.call('POST', '/api/v1/projects/alpha/tokens', { headers: JSON_HEADERS, body: nested(64) });
    expect(res.json()).toMatchObject({ status: 400, code: 'InvalidField', field: 'body' });
  });

  it('does not coerce a list or null in a body to a string', async () => {
    for (const name of [['x'], null, 5, true]) {
      const res = await api.call('POST', '/api/v1/projects/alpha/tokens', { body: { name, role: 'viewer' } });
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'InvalidField', field: 'body/name' });
    }
    expect((await api.call('GET', '/api/v1/projects/alpha/tokens')).json().items.map((t: { name: string }) => t.name)).not.toContain('x');
  });

  it('still reads query values as the numbers and lists their schema names', async () => {
    expect((await api.call('GET', '/api/v1/projects/alpha/hosts?limit=5')).statusCode).toBe(200);
    expect((await api.call('GET', '/api/v1/projects/alpha/hosts?limit=five')).json()).toMatchObject({ code: 'InvalidField' });
  });

  it('accepts a DELETE sent with a JSON content type and no body', async () => {
    const created = (await api.call('POST', '/api/v1/projects/alpha/tokens', { body: { name: 'to-revoke', role: 'viewer' } })).json();
    const res = await api.call('DELETE', `/api/v1/projects/alpha/tokens/${created.id}`, { headers: JSON_HEADERS });
    expect(res.statusCode).toBe(204);
  });

  it('still refuses an empty body on a route that takes one', async () => {
    const res = await api.call('POST', '/api/v1/projects/alpha/tokens', { headers: JSON_HEADERS, body: '' });
    expect(res.json()).toMatchObject({ status: 400, code: 'MalformedDocument' });
  });

  it('answers a path segment over 100 characters with 414 UriTooLong', async () => {
    const res = await api.call('GET', `/api/v1/projects/alpha/hosts/${'h'.repeat(101)}`);
    expect(res.statusCode).toBe(414);
    expect(res.json()).toMatchObject({ code: 'UriTooLong', detail: 'a path segment of the URL is longer than 100 characters' });
  });

  it('answers bad percent-encoding with 400 MalformedRequest', async () => {
    const res = await api.call('GET', '/api/v1/projects/%zz/hosts');
    expect(res.json()).toMatchObject({ status: 400, code: 'MalformedRequest', instance: '/api/v1/projects/%zz/hosts' });
  });
});

describe('rates per client address', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createSqliteHarness({ limits: { enrollmentsPerWindow: 3, authFailuresPerWindow: 3 } });
  });
  afterAll(() => api.close());

  const from = (remoteAddress: string) => ({ remoteAddress });

  it('refuses the enrollment past the limit with 429 and Retry-After, and not another address', async () => {
    const enroll = (address: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/agent/enroll',
        ...from(address),
        payload: { enrollmentToken: 'guess', serial: 'S-1' },
      });
    for (let i = 0; i < 3; i++) expect((await enroll('198.51.100.7')).statusCode).toBe(401);
    const refused = await enroll('198.51.100.7');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ code: 'TooManyRequests', title: 'Too many requests' });
    expect((await enroll('198.51.100.8')).statusCode).toBe(401);
  });

  it('refuses every request, a valid token too, from an address that guessed tokens past the limit', async () => {
    const admin = await api.token('alpha', 'admin');
    const get = (address: string, token: string | null) =>
      api.app.inject({
        method: 'GET',
        url: '/api/v1/projects/alpha/hosts',
        ...from(address),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    // Requests without a credential are not guesses.
    for (let i = 0; i < 5; i++) expect((await get('203.0.113.9', null)).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await get('203.0.113.9', `guess-${i}`)).statusCode).toBe(401);
    const refused = await get('203.0.113.9', admin);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'TooManyRequests' });
    expect(refused.json().detail).toMatch(/^too many failed authentications from this address; retry in \d+ s$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get('203.0.113.10', admin)).statusCode).toBe(200);
    // Routes anyone may call stay open (health checks share addresses with clients).
    expect((await api.app.inject({ method: 'GET', url: '/healthz', ...from('203.0.113.9') })).statusCode).toBe(200);
  });

  it('counts refused host credentials on agent routes the same way', async () => {
    const poll = () =>
      api.app.inject({
        method: 'GET',
        url: '/api/v1/agent/desired-state?waitSeconds=0',
        ...from('192.0.2.44'),
        headers: { authorization: 'Bearer stolen' },
      });
    for (let i = 0; i < 3; i++) expect((await poll()).statusCode).toBe(401);
    expect((await poll()).statusCode).toBe(429);
  });
});
