/**
 * The report door, attacked as a compromised edge box with a valid host credential: reporting another host's
 * cluster ready (with a kubeconfig of its own making), failed or removed. Each report must be refused and change
 * nothing of that cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCluster, addOsProfile, addTemplate } from '../../src/workflow/use-cases/test-inventory.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { AGENT, createEnrollmentSecret, enroll, registerHost } from '../support/enrollment-calls.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('report attacks on $name', ({ createStore }) => {
  let api: ApiHarness;
  let attacker: string;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    await addOsProfile(api.store);
    await addTemplate(api.store);
    const secret = await createEnrollmentSecret(api);
    const own = await registerHost(api, { serial: 'EVIL-1' });
    const victim = await registerHost(api, { serial: 'VICTIM-2' });
    await addCluster(api.store, 'own', [await api.store.hosts.get('alpha', own)]);
    await addCluster(api.store, 'victim', [await api.store.hosts.get('alpha', victim)], { phase: 'ready' });
    attacker = (await enroll(api, { enrollmentToken: secret, serial: 'EVIL-1' })).json().credential;
  });
  afterAll(async () => api?.close());

  const report = (cluster: object | null) => api.call('POST', `${AGENT}/report`, { token: attacker, body: { manifest: null, cluster } });

  it.each([
    ['ready with a planted kubeconfig', { phase: 'ready', message: 'ok', kubeconfig: 'apiVersion: v1\nkind: Config\n' }],
    ['failed', { phase: 'failed', message: 'broken' }],
    ['removed', { phase: 'removed', message: '' }],
  ])("refuses a report of another host's cluster as %s, changing nothing", async (_, cluster) => {
    const res = await report({ name: 'victim', ...cluster });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'Forbidden', reason: 'NotHostsCluster' });
    expect(await api.store.clusters.get('alpha', 'victim')).toMatchObject({ phase: 'ready', message: '' });
    expect(await api.store.clusters.getKubeconfig('alpha', 'victim')).toBeNull();
  });

  it('accepts a report of its own cluster, and one naming a cluster that no longer exists (a finished removal)', async () => {
    expect((await report({ name: 'own', phase: 'installing', message: 'installing' })).json()).toEqual({ accepted: true });
    expect(await api.store.clusters.get('alpha', 'own')).toMatchObject({ phase: 'provisioning' });
    expect((await report({ name: 'gone', phase: 'removed', message: '' })).json()).toEqual({ accepted: true });
  });

  it("keeps the last report for the host details, the agent's strings cleaned and cut; null before the first", async () => {
    const quiet = await registerHost(api, { serial: 'QUIET-3' });
    expect((await api.call('GET', `/api/v1/projects/alpha/hosts/${quiet}/report`)).json()).toEqual({ report: null });
    const manifest = {
      image: { name: 'edge-\u001b[2Jmicrovisor', version: '3.0.1' },
      kubernetes: { flavor: 'k3s', version: 'v1.32.4+k3s1' },
    };
    const sent = await api.call('POST', `${AGENT}/report`, {
      token: attacker,
      body: { manifest, cluster: { name: 'own', phase: 'installing', message: `step 2 of 3${'.'.repeat(5000)}` } },
    });
    expect(sent.json()).toEqual({ accepted: true });
    const shown = (
      await api.call('GET', '/api/v1/projects/alpha/hosts/host-evil-1/report', { token: await api.token('alpha', 'viewer') })
    ).json().report;
    expect(shown).toMatchObject({
      reportedAt: expect.any(String),
      image: { name: 'edge-[2Jmicrovisor', version: '3.0.1' },
      kubernetes: { flavor: 'k3s', version: 'v1.32.4+k3s1' },
      cluster: { name: 'own', phase: 'installing' },
    });
    expect(shown.cluster.message).toHaveLength(1000);
  });
});
