/**
 * The audit log: every change asked of the API is recorded (who, which token, what, when, result), refused ones
 * included and secrets never; only admins read it, a page at a time; it survives a restart of the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/domain/audit/audit-event.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreConfig } from '../../src/store/store-config.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { A, createEnrollmentSecret, enroll, registerHost } from '../support/enrollment-calls.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('audit log on $name', ({ createConfig }) => {
  let config: StoreConfig;
  let api: ApiHarness;
  let events: AuditEvent[];
  let secret: string;
  beforeAll(async () => {
    config = await createConfig();
    api = await createApiHarness(await openStore(config));
    const hostId = await registerHost(api, { serial: 'AUDIT-1' });
    await api.call('POST', `${A}/hosts/${hostId}/deauthorize`, { token: await api.token('alpha', 'viewer') });
    await api.call('GET', `${A}/hosts`);
    secret = await createEnrollmentSecret(api);
    await registerHost(api, { serial: 'AUDIT-2' });
    await enroll(api, { enrollmentToken: secret, serial: 'AUDIT-2' });
    await enroll(api, { enrollmentToken: 'eo_not-a-token', serial: 'AUDIT-2' });
    events = (await api.call('GET', `${A}/audit`)).json().items;
  });
  afterAll(async () => api?.close());

  it('records who asked for each change, with which token, what, when and the result, newest first', async () => {
    expect(events.map((e) => [e.action, e.actor.kind, e.actor.role, e.status, e.outcome])).toEqual([
      ['POST /api/v1/agent/enroll', 'enrollment-token', null, 200, 'succeeded'],
      ['POST /hosts', 'api-token', 'admin', 201, 'succeeded'],
      ['POST /enrollment-tokens', 'api-token', 'onboarding-manager', 201, 'succeeded'],
      ['POST /hosts/:host/deauthorize', 'api-token', 'viewer', 403, 'Forbidden'],
      ['POST /hosts', 'api-token', 'admin', 201, 'succeeded'],
    ]);
    const [enrolled, , , refused, registered] = events;
    expect(registered).toMatchObject({ project: 'alpha', actor: { tokenName: 'admin-test', tokenId: expect.any(String) } });
    expect(registered!.target).toEqual({ created: expect.any(String) });
    expect(refused!.target).toEqual({ host: registered!.target['created'] });
    expect(enrolled!.actor.tokenName).toBe('plant');
    expect(enrolled!.target).toEqual({ serial: 'AUDIT-2', host: 'host-audit-2' });
    expect(Date.parse(registered!.at)).toBeLessThanOrEqual(Date.parse(enrolled!.at));
  });

  it('never records a secret: neither the enrollment token nor the host credential', async () => {
    const text = JSON.stringify(events);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/credential"|"token":/);
  });

  it('is read by admins only, a page at a time', async () => {
    for (const role of ['viewer', 'onboarding-manager', 'edge-operator'] as const) {
      expect((await api.call('GET', `${A}/audit`, { token: await api.token('alpha', role) })).statusCode).toBe(403);
    }
    const first = (await api.call('GET', `${A}/audit?limit=2`)).json();
    expect(first.items.map((e: AuditEvent) => e.id)).toEqual(events.slice(0, 2).map((e) => e.id));
    const second = (await api.call('GET', `${A}/audit?limit=10&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((e: AuditEvent) => e.id)).toEqual(events.slice(2).map((e) => e.id));
    expect(second.nextCursor).toBeNull();
  });

  it('keeps every event through a restart of the server', async () => {
    await api.close();
    api = await createApiHarness(await openStore(config));
    const after = (await api.call('GET', `${A}/audit?limit=500`)).json().items;
    expect(after.slice(-events.length)).toEqual(events);
  });
});
