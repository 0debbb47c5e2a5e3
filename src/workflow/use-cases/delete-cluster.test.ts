import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../domain/inventory/host.ts';
import { deleteCluster } from './delete-cluster.ts';
import { addCluster, addHost, createTestDeps, PROJECT, recordChanges } from './test-inventory.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

describe('deleteCluster', () => {
  let deps: UseCaseDeps;
  let hosts: Host[];
  beforeEach(async () => {
    deps = await createTestDeps();
    hosts = [await addHost(deps.store, 'SN-1'), await addHost(deps.store, 'SN-2')];
    await addCluster(deps.store, 'pair', hosts, { phase: 'ready' });
  });
  afterEach(async () => deps.store.close());

  it("moves the cluster to deleting and wakes every node's agent to remove K3s", async () => {
    const changed = recordChanges(deps.events);
    const deletion = await deleteCluster(deps, { project: PROJECT, name: 'pair', force: false });
    expect(deletion).toMatchObject({
      kind: 'deleting',
      cluster: { name: 'pair', phase: 'deleting', message: 'waiting for the agents to remove K3s' },
    });
    expect(await deps.store.clusters.get(PROJECT, 'pair')).toMatchObject({ phase: 'deleting' });
    expect(changed).toEqual(hosts.map((h) => h.id));
  });

  it('forced, removes the cluster at once and still wakes its agents', async () => {
    const changed = recordChanges(deps.events);
    expect(await deleteCluster(deps, { project: PROJECT, name: 'pair', force: true })).toEqual({ kind: 'deleted' });
    expect(await deps.store.clusters.find(PROJECT, 'pair')).toBeNull();
    expect(changed).toEqual(hosts.map((h) => h.id));
  });

  it('answers NotFound for a cluster that does not exist', async () => {
    await expect(deleteCluster(deps, { project: PROJECT, name: 'nope', force: true })).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('removes a stale cluster at once, without waiting for an agent, and only once it is stale', async () => {
    const lonely = await addCluster(deps.store, 'lonely', [await addHost(deps.store, 'SN-3')]);
    const forgotten = await addCluster(deps.store, 'forgotten', [await addHost(deps.store, 'SN-4')]);
    const at = (since: string, minutes: number) => ({
      ...deps,
      staleClusterAfterMs: 30 * 60_000,
      now: () => Date.parse(since) + minutes * 60_000,
    });
    expect(await deleteCluster(at(lonely.updatedAt, 29), { project: PROJECT, name: 'lonely', force: false })).toMatchObject({
      kind: 'deleting',
      cluster: { phase: 'deleting', stale: false },
    });
    expect(await deleteCluster(at(forgotten.updatedAt, 31), { project: PROJECT, name: 'forgotten', force: false })).toEqual({
      kind: 'deleted',
    });
    expect(await deps.store.clusters.find(PROJECT, 'forgotten')).toBeNull();
  });

  it('waits for the agents of a ready cluster however long it has been quiet', async () => {
    const quiet = { ...deps, staleClusterAfterMs: 60_000, now: () => Date.now() + 86_400_000 };
    expect(await deleteCluster(quiet, { project: PROJECT, name: 'pair', force: false })).toMatchObject({ kind: 'deleting' });
  });
});
