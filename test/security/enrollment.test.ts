/**
 * The enrollment door, attacked as an edge box or anyone holding an enrollment token: taking over a registered
 * host, matching it by half its identity, racing its agent, using tokens past their expiry, count or revocation,
 * and onboarding without approval. Each attack is replayed and must fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTokenSecret } from '../../src/workflow/token-secret.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { A, AGENT, createEnrollmentSecret, enroll, registerHost } from '../support/enrollment-calls.ts';
import { engines } from '../support/engines.ts';

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe.each(engines)('enrollment attacks on $name', ({ createStore }) => {
  let api: ApiHarness;
  let secret: string;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    secret = await createEnrollmentSecret(api);
  });
  afterAll(async () => api?.close());

  const desiredState = (credential: string) => api.call('GET', `${AGENT}/desired-state?waitSeconds=0`, { token: credential });

  it('cannot take over an enrolled host by enrolling with its identity: 409, and the real agent keeps its credential', async () => {
    const hostId = await registerHost(api, { uuid: uuid(1), serial: 'TAKE-1' });
    const real = await enroll(api, { enrollmentToken: secret, uuid: uuid(1), serial: 'TAKE-1' });
    expect(real.statusCode, real.body).toBe(200);
    const attack = await enroll(api, { enrollmentToken: secret, uuid: uuid(1), serial: 'TAKE-1' });
    expect(attack.statusCode).toBe(409);
    expect(attack.json()).toMatchObject({ code: 'InvalidState', reason: 'HostAlreadyEnrolled' });
    expect(attack.json().credential).toBeUndefined();
    expect((await desiredState(real.json().credential)).json().host).toMatchObject({ id: hostId, state: 'onboarded' });
  });

  it('matches a host registered with uuid and serial only by both: half its identity finds nothing', async () => {
    const hostId = await registerHost(api, { uuid: uuid(2), serial: 'HALF-2' });
    for (const identity of [
      { uuid: uuid(2) },
      { serial: 'HALF-2' },
      { uuid: uuid(2), serial: 'OTHER' },
      { uuid: uuid(99), serial: 'HALF-2' },
    ]) {
      const res = await enroll(api, { enrollmentToken: secret, ...identity });
      expect(res.statusCode, JSON.stringify(identity)).toBe(404);
    }
    expect(await api.store.agents.hasHostCredential('alpha', hostId)).toBe(false);
    expect((await enroll(api, { enrollmentToken: secret, uuid: uuid(2), serial: 'HALF-2' })).statusCode).toBe(200);
  });

  it('gives one credential when agents race to enroll the same host', async () => {
    await registerHost(api, { serial: 'RACE-3' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => enroll(api, { enrollmentToken: secret, serial: 'RACE-3' })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });

  it('lets a new machine in only after a reset by a role that may do it, and then shuts the old credential out', async () => {
    const hostId = await registerHost(api, { serial: 'RESET-4' });
    const old = (await enroll(api, { enrollmentToken: secret, serial: 'RESET-4' })).json().credential;
    const viewer = await api.call('POST', `${A}/hosts/${hostId}/reset-credential`, { token: await api.token('alpha', 'viewer') });
    expect(viewer.statusCode).toBe(403);
    const reset = await api.call('POST', `${A}/hosts/${hostId}/reset-credential`, {
      token: await api.token('alpha', 'onboarding-manager'),
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await desiredState(old)).statusCode).toBe(401);
    const renewed = await enroll(api, { enrollmentToken: secret, serial: 'RESET-4' });
    expect(renewed.statusCode).toBe(200);
    expect((await desiredState(renewed.json().credential)).statusCode).toBe(200);
    expect((await enroll(api, { enrollmentToken: secret, serial: 'RESET-4' })).statusCode).toBe(409);
  });

  it('refuses an expired, a used-up and a revoked enrollment token', async () => {
    await registerHost(api, { serial: 'TOK-5' });
    await registerHost(api, { serial: 'TOK-6' });
    const expired = 'eo_expired-enrollment-secret';
    await api.store.agents.createEnrollmentToken({
      project: 'alpha',
      name: 'old',
      secretHash: hashTokenSecret(expired),
      expiresAt: '2020-01-01T00:00:00.000Z',
      maxUses: null,
    });
    expect((await enroll(api, { enrollmentToken: expired, serial: 'TOK-5' })).json()).toMatchObject({
      status: 401,
      reason: 'EnrollmentTokenExpired',
    });

    const once = await createEnrollmentSecret(api, { maxUses: 1 });
    expect((await enroll(api, { enrollmentToken: once, serial: 'TOK-5' })).statusCode).toBe(200);
    expect((await enroll(api, { enrollmentToken: once, serial: 'TOK-6' })).json()).toMatchObject({
      status: 401,
      reason: 'EnrollmentTokenUsedUp',
    });

    const revoked = await createEnrollmentSecret(api, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const listed = await api.call('GET', `${A}/enrollment-tokens`, { token: await api.token('alpha', 'onboarding-manager') });
    expect(JSON.stringify(listed.json())).not.toContain(revoked);
    const entry = listed.json().items.at(-1);
    expect(entry).toMatchObject({ name: 'plant', maxUses: null, uses: 0, expiresAt: expect.any(String) });
    expect((await api.call('DELETE', `${A}/enrollment-tokens/${entry.id}`)).statusCode).toBe(204);
    expect((await enroll(api, { enrollmentToken: revoked, serial: 'TOK-6' })).statusCode).toBe(401);
  });

  it('refuses a token expiry in the past or not a date, naming the field', async () => {
    for (const expiresAt of ['2020-01-01T00:00:00Z', 'tomorrow']) {
      const res = await api.call('POST', `${A}/enrollment-tokens`, { body: { name: 'x', expiresAt } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'InvalidField', field: 'expiresAt' });
    }
  });
});

describe.each(engines)('onboarding approval on $name', ({ createStore }) => {
  let api: ApiHarness;
  let secret: string;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    secret = await createEnrollmentSecret(api);
    const off = await api.call('PUT', `${A}/onboarding`, { body: { autoOnboard: false } });
    expect(off.json()).toEqual({ autoOnboard: false });
  });
  afterAll(async () => api?.close());

  it('keeps an enrolling host in the lobby, seen by onboarding managers, until one approves it', async () => {
    const hostId = await registerHost(api, { serial: 'LOBBY-1' });
    const waiting = await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-1' });
    expect(waiting.statusCode).toBe(403);
    expect(waiting.json()).toMatchObject({ code: 'Forbidden', reason: 'AwaitingApproval' });
    expect((await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-1' })).json().reason).toBe('AwaitingApproval');
    const manager = await api.token('alpha', 'onboarding-manager');
    const lobby = await api.call('GET', `${A}/hosts?state=awaiting-approval`, { token: manager });
    expect(lobby.json().items.map((h: { id: string }) => h.id)).toEqual([hostId]);
    expect((await api.call('POST', `${A}/hosts/${hostId}/approve`, { token: await api.token('alpha', 'viewer') })).statusCode).toBe(403);
    const approved = await api.call('POST', `${A}/hosts/${hostId}/approve`, { token: manager });
    expect(approved.json()).toMatchObject({ state: 'approved' });
    const enrolled = await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-1' });
    expect(enrolled.statusCode).toBe(200);
    expect((await api.call('GET', `${A}/hosts/${hostId}`)).json().state).toBe('onboarded');
  });

  it('refuses a rejected host for good, and approves only a host that waits', async () => {
    const hostId = await registerHost(api, { serial: 'LOBBY-2' });
    expect((await api.call('POST', `${A}/hosts/${hostId}/reject`)).json()).toMatchObject({
      status: 409,
      code: 'InvalidState',
      detail: 'host host-lobby-2 is registered, not awaiting approval; only a host whose agent asked to enroll can be rejected',
    });
    await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-2' });
    expect((await api.call('POST', `${A}/hosts/${hostId}/reject`)).json()).toMatchObject({ state: 'deauthorized' });
    const refused = await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-2' });
    expect(refused.json()).toMatchObject({ status: 403, detail: 'host host-lobby-2 is deauthorized and may not enroll' });
  });

  it("follows a host's own setting over the project's, both ways", async () => {
    await registerHost(api, { serial: 'AUTO-3', autoOnboard: true });
    expect((await enroll(api, { enrollmentToken: secret, serial: 'AUTO-3' })).statusCode).toBe(200);
    await api.call('PUT', `${A}/onboarding`, { body: { autoOnboard: true } });
    const hostId = await registerHost(api, { serial: 'HOLD-4', autoOnboard: false });
    expect((await api.call('GET', `${A}/hosts/${hostId}`)).json().autoOnboard).toBe(false);
    expect((await enroll(api, { enrollmentToken: secret, serial: 'HOLD-4' })).json().reason).toBe('AwaitingApproval');
    await api.call('PUT', `${A}/onboarding`, { body: { autoOnboard: false } });
  });
});
