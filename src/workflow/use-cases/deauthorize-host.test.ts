import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deauthorizeHost } from './deauthorize-host.ts';
import { addCluster, addHost, createTestDeps, PROJECT, recordChanges } from './test-inventory.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

describe('deauthorizeHost', () => {
  let deps: UseCaseDeps;
  beforeEach(async () => {
    deps = await createTestDeps();
  });
  afterEach(async () => deps.store.close());

  it('deauthorizes a host found by name and wakes its agent', async () => {
    const host = await addHost(deps.store, 'SN-1');
    const changed = recordChanges(deps.events);
    const deauthorized = await deauthorizeHost(deps, { project: PROJECT, host: 'host-sn-1', role: 'admin' });
    expect(deauthorized).toMatchObject({ id: host.id, state: 'deauthorized' });
    expect(changed).toEqual([host.id]);
  });

  it("moves the host's single-node cluster to deleting", async () => {
    const host = await addHost(deps.store, 'SN-1');
    await addCluster(deps.store, 'solo', [host]);
    await deauthorizeHost(deps, { project: PROJECT, host: host.id, role: 'admin' });
    expect(await deps.store.clusters.get(PROJECT, 'solo')).toMatchObject({
      phase: 'deleting',
      message: 'host host-sn-1 was deauthorized',
      nodes: [{ hostId: host.id }],
    });
  });

  it('removes only its node from a multi-node cluster, which keeps its phase', async () => {
    const [a, b] = [await addHost(deps.store, 'SN-1'), await addHost(deps.store, 'SN-2')];
    await addCluster(deps.store, 'pair', [a, b], { phase: 'ready' });
    await deauthorizeHost(deps, { project: PROJECT, host: a.id, role: 'admin' });
    expect(await deps.store.clusters.get(PROJECT, 'pair')).toMatchObject({
      phase: 'ready',
      message: 'host host-sn-1 left: deauthorized',
      nodes: [{ hostId: b.id, role: 'all' }],
    });
  });

  it('leaves a cluster that is being deleted as it is', async () => {
    const host = await addHost(deps.store, 'SN-1');
    await addCluster(deps.store, 'solo', [host], { phase: 'deleting' });
    await deauthorizeHost(deps, { project: PROJECT, host: host.id, role: 'admin' });
    expect(await deps.store.clusters.get(PROJECT, 'solo')).toMatchObject({ phase: 'deleting', message: '' });
  });

  it('refuses an onboarding manager a cluster node, changing nothing, but lets it deauthorize a host in no cluster', async () => {
    const [node, free] = [await addHost(deps.store, 'SN-1'), await addHost(deps.store, 'SN-2')];
    await addCluster(deps.store, 'solo', [node], { phase: 'ready' });
    await expect(deauthorizeHost(deps, { project: PROJECT, host: node.id, role: 'onboarding-manager' })).rejects.toMatchObject({
      code: 'Forbidden',
      reason: 'ClusterNodeChange',
    });
    expect(await deps.store.clusters.get(PROJECT, 'solo')).toMatchObject({ phase: 'ready' });
    expect(await deps.store.hosts.get(PROJECT, node.id)).toMatchObject({ state: 'registered' });
    expect(await deauthorizeHost(deps, { project: PROJECT, host: free.id, role: 'onboarding-manager' })).toMatchObject({
      state: 'deauthorized',
    });
  });

  it('changes nothing when the host does not exist', async () => {
    await expect(deauthorizeHost(deps, { project: PROJECT, host: 'nope', role: 'admin' })).rejects.toMatchObject({ code: 'NotFound' });
  });
});
