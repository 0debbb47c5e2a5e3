/**
 * The host door, attacked as an onboarding manager (hosts:write, no clusters:write): destroying a cluster by
 * deauthorizing its node, breaking it by renaming the node (its install plan names it), or handing the node's
 * place to another machine by resetting its credential. Each must fail and leave the cluster as it was; an
 * admin may do all three. (test/api/role-matrix.test.ts has the whole table for every role.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/domain/inventory/host.ts';
import { addCluster, addHost, addOsProfile, addTemplate } from '../../src/workflow/use-cases/test-inventory.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { A } from '../support/enrollment-calls.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('cluster attacks by an onboarding manager on $name', ({ createStore }) => {
  let api: ApiHarness;
  let node: Host;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    await addOsProfile(api.store);
    await addTemplate(api.store);
    node = await addHost(api.store, 'NODE-1');
    await api.store.agents.issueHostCredential('alpha', node.id, 'hash-node-1', '2999-01-01T00:00:00.000Z');
    await addCluster(api.store, 'prod', [node], { phase: 'ready' });
  });
  afterAll(async () => api?.close());

  it.each([
    ['deauthorizing', 'POST', '/deauthorize', undefined],
    ['renaming', 'PATCH', '', { name: 'hijacked' }],
    ['resetting the credential of', 'POST', '/reset-credential', undefined],
  ])('refuses %s a cluster node, and the cluster runs on', async (_, method, path, body) => {
    const res = await api.call(method, `${A}/hosts/${node.id}${path}`, {
      token: await api.token('alpha', 'onboarding-manager'),
      ...(body ? { body } : {}),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'Forbidden', reason: 'ClusterNodeChange' });
    expect(res.json().detail).toContain('cluster prod');
    expect(await api.store.clusters.get('alpha', 'prod')).toMatchObject({ phase: 'ready', nodes: [{ hostId: node.id }] });
    expect(await api.store.hosts.get('alpha', node.id)).toEqual(node);
    expect(await api.store.agents.hasHostCredential('alpha', node.id)).toBe(true);
  });

  it('lets an onboarding manager relabel the node, and an admin deauthorize it (the cluster then goes)', async () => {
    const relabel = await api.call('PATCH', `${A}/hosts/${node.id}`, {
      token: await api.token('alpha', 'onboarding-manager'),
      body: { labels: { rack: '7' } },
    });
    expect(relabel.json()).toMatchObject({ labels: { rack: '7' } });
    expect((await api.call('POST', `${A}/hosts/${node.id}/deauthorize`)).json()).toMatchObject({ state: 'deauthorized' });
    expect(await api.store.clusters.get('alpha', 'prod')).toMatchObject({ phase: 'deleting' });
  });
});
