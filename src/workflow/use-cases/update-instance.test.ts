import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../domain/inventory/host.ts';
import type { AgentReport } from '../../domain/bootstrap/agent-report.ts';
import { applyAgentReport } from './apply-agent-report.ts';
import { addCluster, addHost, addOsProfile, createTestDeps, PROJECT, recordChanges } from './test-inventory.ts';
import { updateInstance } from './update-instance.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

const EMT = 'microvisor-nonrt';
const FIRST = '3.0.20260602.2200'; // the shared profile, embedding v1.32.4+k3s1

describe('updateInstance', () => {
  let deps: UseCaseDeps;
  let host: Host;
  let instanceId: string;
  /** Adds a version of the EMT profile embedding `k3s` (null: none). */
  async function addVersion(version: string, k3s: string | null): Promise<void> {
    const base = await deps.store.osProfiles.get(PROJECT, { name: EMT, version: FIRST });
    await deps.store.osProfiles.create(PROJECT, {
      ...base,
      version,
      resourceId: null,
      kubernetes: k3s === null ? null : { ...base.kubernetes!, version: k3s },
    });
  }
  async function addNode(serial: string, version: string): Promise<Host> {
    const node = await addHost(deps.store, serial);
    await deps.store.instances.create(PROJECT, { hostId: node.id, osProfile: { name: EMT, version } });
    return node;
  }
  const move = (osProfile: string, role: 'admin' | 'onboarding-manager' = 'admin', id = instanceId) =>
    updateInstance(deps, { project: PROJECT, id, osProfile, role });

  beforeEach(async () => {
    deps = await createTestDeps();
    await addOsProfile(deps.store);
    await addVersion('3.1', 'v1.32.5+k3s1');
    await addVersion('3.2', 'v1.34.1+k3s1');
    await addVersion('2.9', 'v1.31.9+k3s1');
    await addVersion('3.3', null);
    host = await addNode('SN-1', FIRST);
    instanceId = (await deps.store.instances.findByHost(PROJECT, host.id))!.id;
  });
  afterEach(async () => deps.store.close());

  it('moves a host outside any cluster to any version and wakes its agent', async () => {
    const changed = recordChanges(deps.events);
    expect(await move(`${EMT}:3.2`)).toMatchObject({ osProfile: EMT, osProfileVersion: '3.2' });
    expect(changed).toEqual([host.id]);
  });

  it("allows a cluster node's upgrade; the cluster's version follows only when the host reports the new image", async () => {
    await addCluster(deps.store, 'solo', [host], { phase: 'ready' });
    expect(await move(`${EMT}:3.1`)).toMatchObject({ osProfileVersion: '3.1' });
    const report = (version: string, k3s: string): Promise<void> =>
      applyAgentReport(deps, {
        project: PROJECT,
        hostId: host.id,
        report: {
          manifest: { image: { name: EMT, version }, kubernetes: { flavor: 'k3s', version: k3s } } as AgentReport['manifest'],
          cluster: null,
        },
      });
    await report(FIRST, 'v1.32.4+k3s1');
    expect((await deps.store.clusters.get(PROJECT, 'solo')).kubernetesVersion).toBe('v1.32.4+k3s1');
    await report('3.1', 'v1.32.5+k3s1');
    expect((await deps.store.clusters.get(PROJECT, 'solo')).kubernetesVersion).toBe('v1.32.5+k3s1');
  });

  it.each([
    ['2.9', 'K3sDowngrade'],
    ['3.2', 'K3sMinorSkipped'],
    ['3.3', 'EmbeddedK3sRemoved'],
  ])('refuses moving a cluster node to %s with UpgradeRefused (%s) and changes nothing', async (version, reason) => {
    await addCluster(deps.store, 'solo', [host], { phase: 'ready' });
    await expect(move(`${EMT}:${version}`)).rejects.toMatchObject({ code: 'UpgradeRefused', field: 'osProfile', reason });
    expect(await deps.store.instances.get(PROJECT, instanceId)).toMatchObject({ osProfileVersion: FIRST });
  });

  it("refuses a version whose K3s differs from the other nodes', naming the node", async () => {
    const other = await addNode('SN-2', FIRST);
    await addCluster(deps.store, 'pair', [host, other], { phase: 'ready' });
    await expect(move(`${EMT}:3.1`)).rejects.toMatchObject({
      code: 'UpgradeRefused',
      reason: 'K3sDiffersFromNodes',
      detail:
        'OS profile microvisor-nonrt:3.1 embeds K3s v1.32.5+k3s1, but host host-sn-2 of cluster pair runs v1.32.4+k3s1; every node of a cluster runs one K3s version, so upgrade the cluster as a whole (its nodes move one at a time)',
    });
  });

  it('refuses another OS profile for a cluster node, naming the one it runs', async () => {
    await addCluster(deps.store, 'solo', [host], { phase: 'ready' });
    const emt = await deps.store.osProfiles.get(PROJECT, { name: EMT });
    await deps.store.osProfiles.create(PROJECT, { ...emt, name: 'other-os', resourceId: null });
    await expect(move('other-os')).rejects.toMatchObject({
      code: 'InvalidState',
      detail: `host host-sn-1 is a node of cluster solo and runs OS profile ${EMT}; choose a version of it, not other-os:${emt.version}`,
    });
  });

  it('asks clusters:write as well to move a cluster node, and only hosts:write otherwise', async () => {
    expect(await move(`${EMT}:3.1`, 'onboarding-manager')).toMatchObject({ osProfileVersion: '3.1' });
    await addCluster(deps.store, 'solo', [host], { phase: 'ready' });
    await expect(move(`${EMT}:${FIRST}`, 'onboarding-manager')).rejects.toMatchObject({ code: 'Forbidden', reason: 'ClusterNodeChange' });
  });

  it('answers NotFound naming an unknown version, and InvalidField for a malformed reference', async () => {
    await expect(move(`${EMT}:9.9`)).rejects.toMatchObject({ code: 'NotFound' });
    await expect(move('Not A Profile')).rejects.toMatchObject({ code: 'InvalidField', field: 'osProfile' });
  });
});
