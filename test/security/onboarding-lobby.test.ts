/**
 * The onboarding lobby, attacked as anyone holding an enrollment token: enrolling machines nobody registered must
 * not create hosts (only an onboarding manager's approval does), must not fill the lobby without bound, and what
 * they report about themselves is cut and stripped of control characters before anyone sees it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { A, createEnrollmentSecret, enroll } from '../support/enrollment-calls.ts';
import { engines } from '../support/engines.ts';

const LOBBY_CAPACITY = 4;

describe.each(engines)('onboarding lobby attacks on $name', ({ createStore }) => {
  let api: ApiHarness;
  let secret: string;
  let manager: string;
  beforeAll(async () => {
    api = await createApiHarness(await createStore(), { limits: { lobbyCapacity: LOBBY_CAPACITY } });
    secret = await createEnrollmentSecret(api);
    manager = await api.token('alpha', 'onboarding-manager');
  });
  afterAll(async () => api?.close());

  const lobby = async (state = 'pending') =>
    (await api.call('GET', `${A}/onboarding-requests?state=${state}`, { token: manager })).json().items as Record<string, unknown>[];
  const hostCount = async () => (await api.call('GET', `${A}/hosts`)).json().items.length as number;
  const setAutoOnboard = (autoOnboard: boolean) => api.call('PUT', `${A}/onboarding`, { body: { autoOnboard } });

  it('records nothing for an unknown machine while the project onboards automatically: it must be registered first', async () => {
    const res = await enroll(api, { enrollmentToken: secret, serial: 'AUTO-0' });
    expect(res.json()).toMatchObject({ status: 404, code: 'NotFound' });
    expect(await lobby()).toEqual([]);
  });

  it('holds an unknown machine in the lobby without creating a host, and keeps only cleaned facts and no secret', async () => {
    await setAutoOnboard(false);
    const before = await hostCount();
    const hostile = `evil\u001b]0;pwned\u0007-${'x'.repeat(200)}`;
    const first = await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-1', facts: { hostname: hostile, os: '\u009b31m' } });
    expect(first.statusCode).toBe(403);
    expect(first.json()).toMatchObject({ code: 'Forbidden', reason: 'AwaitingApproval', onboardingRequest: expect.any(String) });
    expect(first.json().credential).toBeUndefined();
    const again = await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-1' });
    expect(again.json().onboardingRequest).toBe(first.json().onboardingRequest);
    expect(await hostCount()).toBe(before);

    const [request] = await lobby();
    expect(request).toMatchObject({
      id: first.json().onboardingRequest,
      serial: 'LOBBY-1',
      uuid: null,
      state: 'pending',
      tokenName: 'plant',
    });
    const hostname = (request!.facts as { hostname: string }).hostname;
    expect(hostname).toHaveLength(128);
    expect(hostname.startsWith('evil]0;pwned-xxx')).toBe(true);
    expect((request!.facts as { os: string }).os).toBe('31m');
    expect(Date.parse(String(request!.lastSeenAt))).toBeGreaterThanOrEqual(Date.parse(String(request!.firstSeenAt)));
    const listed = await api.call('GET', `${A}/onboarding-requests`, { token: manager });
    expect(listed.body).not.toContain(secret);
    expect((await api.call('GET', `${A}/onboarding-requests`, { token: await api.token('alpha', 'viewer') })).statusCode).toBe(403);
  });

  it('refuses attacker strings over their limit with 400 before anything is recorded', async () => {
    for (const body of [
      { serial: 'S'.repeat(65) },
      { serial: 'FACT-1', facts: { hostname: 'h'.repeat(257) } },
      { serial: 'FACT-2', facts: { shell: 'rm -rf /' } },
    ]) {
      const res = await enroll(api, { enrollmentToken: secret, ...body } as never);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await lobby()).map((r) => r.serial)).toEqual(['LOBBY-1']);
  });

  it('lets the held enrollment proceed once a manager approves, under the name given', async () => {
    const held = enroll(api, { enrollmentToken: secret, serial: 'HELD-2', waitSeconds: 20 });
    let id: string | undefined;
    // Each poll lets the event loop turn, or the held request's body would never be read.
    while (!id) id = await nextTurn().then(async () => (await lobby()).find((r) => r.serial === 'HELD-2')?.id as string | undefined);
    const viewer = await api.call('POST', `${A}/onboarding-requests/${id}/approve`, { token: await api.token('alpha', 'viewer') });
    expect(viewer.statusCode).toBe(403);
    const approved = await api.call('POST', `${A}/onboarding-requests/${id}/approve`, { token: manager, body: { name: 'line-7' } });
    expect(approved.json()).toMatchObject({ name: 'line-7', serial: 'HELD-2', state: 'approved' });
    const enrolled = await held;
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    expect(enrolled.json()).toMatchObject({ hostName: 'line-7', credential: expect.any(String) });
    expect((await api.call('GET', `${A}/hosts/line-7`)).json().state).toBe('onboarded');
    expect((await lobby()).map((r) => r.serial)).not.toContain('HELD-2');
  });

  it('refuses a rejected machine for good, and decides a request only once', async () => {
    const { onboardingRequest: id } = (await enroll(api, { enrollmentToken: secret, uuid: '00000000-0000-4000-8000-000000000003' })).json();
    const rejected = await api.call('POST', `${A}/onboarding-requests/${id}/reject`, { token: manager });
    expect(rejected.json()).toMatchObject({ id, state: 'rejected' });
    const refused = await enroll(api, { enrollmentToken: secret, uuid: '00000000-0000-4000-8000-000000000003' });
    expect(refused.json()).toMatchObject({ status: 403, reason: 'OnboardingRejected' });
    const late = await api.call('POST', `${A}/onboarding-requests/${id}/approve`, { token: manager, body: {} });
    expect(late.json()).toMatchObject({
      status: 409,
      code: 'InvalidState',
      detail: `onboarding request ${id} is rejected; only a pending request can be approved`,
    });
    expect((await lobby('rejected')).map((r) => r.id)).toEqual([id]);
  });

  it('cannot flood the lobby: past its capacity new machines get 429, machines already waiting keep their place', async () => {
    const pending = (await lobby()).length;
    for (let i = pending; i < LOBBY_CAPACITY; i++)
      expect((await enroll(api, { enrollmentToken: secret, serial: `FLOOD-${i}` })).json().reason).toBe('AwaitingApproval');
    const flood = await enroll(api, { enrollmentToken: secret, serial: 'FLOOD-X' });
    expect(flood.statusCode).toBe(429);
    expect(flood.json()).toMatchObject({ code: 'TooManyRequests', reason: 'OnboardingLobbyFull' });
    expect((await enroll(api, { enrollmentToken: secret, serial: 'LOBBY-1' })).json().reason).toBe('AwaitingApproval');
    expect(await lobby()).toHaveLength(LOBBY_CAPACITY);
  });
});
