import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashTokenSecret } from '../token-secret.ts';
import { createEnrollmentToken } from './create-enrollment-token.ts';
import { enrollHost, ENROLL_RECHECK_MS } from './enroll-host.ts';
import { registerHost } from './register-host.ts';
import { addHost, createTestDeps, PROJECT } from './test-inventory.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

describe('enrollHost', () => {
  let deps: UseCaseDeps;
  let enrollmentToken: string;
  beforeEach(async () => {
    deps = await createTestDeps();
    enrollmentToken = (await createEnrollmentToken(deps, { project: PROJECT, name: 'site-a' })).token;
  });
  afterEach(async () => deps.store.close());

  it('gives a registered host a credential of its own and moves it to onboarded', async () => {
    const host = await addHost(deps.store, 'SN-1');
    const enrollment = await enrollHost(deps, { enrollmentToken, serial: 'SN-1', waitMs: 0 });
    expect(enrollment.host.id).toBe(host.id);
    expect(await deps.store.agents.findHostByCredential(hashTokenSecret(enrollment.credential))).toMatchObject({
      id: host.id,
      state: 'onboarded',
    });
  });

  it('waits for the host to be registered, woken by the registration', async () => {
    const started = Date.now();
    setTimeout(() => {
      void registerHost(deps, PROJECT, { name: 'host-sn-1', uuid: null, serial: 'SN-1', site: null, labels: {} });
    }, 100);
    const enrollment = await enrollHost(deps, { enrollmentToken, serial: 'SN-1', waitMs: 10_000 });
    expect(enrollment.host.name).toBe('host-sn-1');
    expect(Date.now() - started).toBeLessThan(ENROLL_RECHECK_MS);
  });

  it('refuses an unknown enrollment token, an unregistered host and a deauthorized one', async () => {
    await expect(enrollHost(deps, { enrollmentToken: 'eo_wrong', serial: 'SN-1', waitMs: 0 })).rejects.toMatchObject({
      code: 'Unauthenticated',
    });
    await expect(enrollHost(deps, { enrollmentToken, serial: 'SN-1', waitMs: 0 })).rejects.toMatchObject({
      code: 'NotFound',
      detail: `no host with serial SN-1 is registered in project ${PROJECT}; register it first`,
    });
    const host = await addHost(deps.store, 'SN-1');
    await deps.store.hosts.setState(PROJECT, host.id, 'deauthorized');
    await expect(enrollHost(deps, { enrollmentToken, serial: 'SN-1', waitMs: 0 })).rejects.toMatchObject({ code: 'Forbidden' });
  });
});
