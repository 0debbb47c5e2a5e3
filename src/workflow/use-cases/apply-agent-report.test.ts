import { setTimeout as sleep } from 'node:timers/promises';
import { HOST_KUBECONFIG } from '../../../test/support/kubeconfig.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../domain/bootstrap/agent-report.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { applyAgentReport } from './apply-agent-report.ts';
import { addCluster, addHost, addOsProfile, addTemplate, createTestDeps, PROJECT, recordChanges } from './test-inventory.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

const runs = (profile: string): AgentReport['manifest'] => ({ image: { name: profile } }) as AgentReport['manifest'];

describe('applyAgentReport', () => {
  let deps: UseCaseDeps;
  let host: Host;
  beforeEach(async () => {
    deps = await createTestDeps();
    await addOsProfile(deps.store);
    host = await addHost(deps.store, 'SN-1');
    await deps.store.hosts.setState(PROJECT, host.id, 'onboarded');
    await deps.store.instances.create(PROJECT, { hostId: host.id, osProfile: { name: 'microvisor-nonrt' } });
  });
  afterEach(async () => deps.store.close());

  const report = (r: AgentReport) => applyAgentReport(deps, { project: PROJECT, hostId: host.id, report: r });

  it('records the OS the host runs, moves the host to provisioned and wakes its agent', async () => {
    const changed = recordChanges(deps.events);
    await report({ manifest: runs('microvisor-nonrt'), cluster: null });
    expect(await deps.store.instances.findByHost(PROJECT, host.id)).toMatchObject({
      observedOsProfile: 'microvisor-nonrt',
      state: 'running',
    });
    expect((await deps.store.hosts.get(PROJECT, host.id)).state).toBe('provisioned');
    expect(changed).toEqual([host.id]);
  });

  it('writes nothing for a report that brings nothing new', async () => {
    await report({ manifest: runs('microvisor-nonrt'), cluster: null });
    const [hostBefore, instanceBefore] = [
      await deps.store.hosts.get(PROJECT, host.id),
      await deps.store.instances.findByHost(PROJECT, host.id),
    ];
    await sleep(5); // so that a write would show in updatedAt
    await report({ manifest: runs('microvisor-nonrt'), cluster: null });
    expect(await deps.store.hosts.get(PROJECT, host.id)).toEqual(hostBefore);
    expect(await deps.store.instances.findByHost(PROJECT, host.id)).toEqual(instanceBefore);
  });

  it('stores the kubeconfig of a ready cluster and moves the host into it', async () => {
    await addCluster(deps.store, 'solo', [host]);
    await report({
      manifest: runs('microvisor-nonrt'),
      cluster: { name: 'solo', phase: 'ready', message: 'up', kubeconfig: HOST_KUBECONFIG },
    });
    expect(await deps.store.clusters.get(PROJECT, 'solo')).toMatchObject({ phase: 'ready', message: 'up' });
    expect(await deps.store.clusters.getKubeconfig(PROJECT, 'solo')).toBe(HOST_KUBECONFIG);
    expect((await deps.store.hosts.get(PROJECT, host.id)).state).toBe('in-cluster');
  });

  it('deletes a cluster being deleted once its agent reports K3s removed', async () => {
    await addCluster(deps.store, 'solo', [host], { phase: 'deleting' });
    await report({ manifest: runs('microvisor-nonrt'), cluster: { name: 'solo', phase: 'removed', message: 'gone' } });
    expect(await deps.store.clusters.find(PROJECT, 'solo')).toBeNull();
  });

  it("refuses a report about another host's cluster and writes nothing of it, not even the OS", async () => {
    await addTemplate(deps.store);
    const other = await addHost(deps.store, 'SN-2');
    await addCluster(deps.store, 'theirs', [other], { phase: 'ready' });
    await expect(
      report({ manifest: runs('microvisor-nonrt'), cluster: { name: 'theirs', phase: 'failed', message: 'forged' } }),
    ).rejects.toMatchObject({ code: 'Forbidden', reason: 'NotHostsCluster' });
    expect(await deps.store.clusters.get(PROJECT, 'theirs')).toMatchObject({ phase: 'ready', message: '' });
    expect(await deps.store.instances.findByHost(PROJECT, host.id)).toMatchObject({ observedOsProfile: null });
  });
});
