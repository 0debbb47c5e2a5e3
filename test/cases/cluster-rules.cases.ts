/**
 * The rules around a cluster, written once and run per engine (test/api/cluster-rules.test.ts): the upgrade
 * guard on PATCH …/instances/{id}, stale clusters on a clock the test moves, and host lookup by serial or uuid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/domain/inventory/host.ts';
import type { NewCluster, Store } from '../../src/store/store.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { readFormat } from '../support/formats.ts';

const A = '/api/v1/projects/alpha';
const EMT = 'microvisor-nonrt';
const FIRST = '3.0.20260602.2200'; // embeds v1.32.4+k3s1
const STALE_AFTER_MS = 30 * 60_000;

export function runClusterRuleCases({ createStore }: { createStore: () => Promise<Store> }): void {
  let api: ApiHarness;
  /** The clock stale clusters are judged by; tests move it forward. */
  let now = Date.now();

  async function addHost(serial: string, name?: string): Promise<Host> {
    const res = await api.call('POST', `${A}/hosts`, { body: { serial, ...(name ? { name } : {}) } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  async function addCluster(name: string, hosts: Host[], phase: NewCluster['phase'] = 'ready'): Promise<void> {
    await api.store.clusters.create('alpha', {
      name,
      template: { name: 'baseline-k3s', version: 'v0.0.4' },
      flavor: 'k3s',
      kubernetesVersion: 'v1.32.4+k3s1',
      osProfile: EMT,
      nodes: hosts.map((h) => ({ hostId: h.id, role: 'all' })),
      airGapped: true,
      airGappedOverride: null,
      driver: 'agent',
      phase,
      message: '',
      labels: {},
      autoCreated: false,
      deletionPolicy: 'delete',
    });
  }

  beforeAll(async () => {
    api = await createApiHarness(await createStore(), { now: () => now, staleClusterAfterMs: STALE_AFTER_MS });
    const imported = await api.call('POST', `${A}/osprofiles/import`, { body: { document: readFormat(`os-profiles/${EMT}.yaml`) } });
    expect(imported.statusCode, imported.body).toBe(201);
    const template = await api.call('POST', `${A}/templates`, { body: JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')) });
    expect(template.statusCode, template.body).toBe(201);
    const base = await api.store.osProfiles.get('alpha', { name: EMT, version: FIRST });
    for (const [version, k3s] of [
      ['3.1', 'v1.33.0+k3s1'],
      ['3.2', 'v1.34.1+k3s1'],
    ] as const) {
      await api.store.osProfiles.create('alpha', { ...base, version, resourceId: null, kubernetes: { ...base.kubernetes!, version: k3s } });
    }
  });
  afterAll(async () => api?.close());

  describe('upgrade guard', () => {
    let instanceId: string;
    beforeAll(async () => {
      const host = await addHost('UPG-1');
      instanceId = (await api.store.instances.create('alpha', { hostId: host.id, osProfile: { name: EMT, version: FIRST } })).id;
      await addCluster('upgrading', [host]);
    });

    it('refuses a version that skips a Kubernetes minor with UpgradeRefused and the reason, changing nothing', async () => {
      const res = await api.call('PATCH', `${A}/instances/${instanceId}`, { body: { osProfile: `${EMT}:3.2` } });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({
        type: 'https://edge-orch.dev/problems/UpgradeRefused',
        title: "The OS profile change would break the host's cluster",
        status: 409,
        detail:
          'OS profile microvisor-nonrt:3.2 embeds K3s v1.34.1+k3s1, which skips a Kubernetes minor from the v1.32.4+k3s1 cluster upgrading runs; move one minor at a time (v1.33)',
        instance: `${A}/instances/${instanceId}`,
        code: 'UpgradeRefused',
        field: 'osProfile',
        reason: 'K3sMinorSkipped',
        details: {
          cluster: 'upgrading',
          clusterVersion: 'v1.32.4+k3s1',
          osProfile: EMT,
          osProfileVersion: '3.2',
          embeddedVersion: 'v1.34.1+k3s1',
        },
      });
      expect((await api.call('GET', `${A}/instances/${instanceId}`)).json().osProfileVersion).toBe(FIRST);
    });

    it('refuses an onboarding manager, since the change alters the cluster', async () => {
      const res = await api.call('PATCH', `${A}/instances/${instanceId}`, {
        token: await api.token('alpha', 'onboarding-manager'),
        body: { osProfile: `${EMT}:3.1` },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'Forbidden', reason: 'ClusterNodeChange' });
    });

    it('moves the instance to the next minor, and the cluster keeps its version until the host reports the new image', async () => {
      const res = await api.call('PATCH', `${A}/instances/${instanceId}`, { body: { osProfile: `${EMT}:3.1` } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: instanceId, osProfile: EMT, osProfileVersion: '3.1' });
      expect((await api.call('GET', `${A}/clusters/upgrading`)).json().kubernetesVersion).toBe('v1.32.4+k3s1');
    });

    it('names the field of a malformed OS profile reference', async () => {
      const res = await api.call('PATCH', `${A}/instances/${instanceId}`, { body: { osProfile: 'Not A Profile' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'InvalidField', field: 'osProfile' });
    });
  });

  describe('stale clusters', () => {
    beforeAll(async () => {
      await addCluster('never-came', [await addHost('STALE-1')], 'waiting-for-nodes');
      await addCluster('running', [await addHost('STALE-2')], 'ready');
    });
    const names = async (query: string): Promise<string[]> =>
      (await api.call('GET', `${A}/clusters${query}`)).json().items.map((c: { name: string }) => c.name);

    it('lists no stale cluster before the stale-cluster time has passed', async () => {
      expect(await names('?stale=true')).toEqual([]);
      expect((await api.call('GET', `${A}/clusters/never-came`)).json()).toMatchObject({ stale: false });
    });

    it('marks a cluster whose host never came stale with the reason, and filters on it', async () => {
      now = Date.now() + STALE_AFTER_MS + 60_000;
      expect(await names('?stale=true')).toEqual(['never-came']);
      expect(await names('?stale=false')).not.toContain('never-came');
      expect(await names('?stale=false')).toContain('running');
      const cluster = (await api.call('GET', `${A}/clusters/never-came`)).json();
      expect(cluster).toMatchObject({
        stale: true,
        staleReason: {
          code: 'ClusterStale',
          details: { phase: 'waiting-for-nodes', since: cluster.updatedAt, staleAfterSeconds: '1800' },
        },
      });
      expect(cluster.staleReason.message).toBe(
        `cluster never-came has been waiting-for-nodes since ${cluster.updatedAt} with no word from its agents for more than 30 min; deleting it needs no agent`,
      );
    });

    it('deletes a stale cluster at once, without an agent, while a ready one waits for its agents', async () => {
      expect((await api.call('DELETE', `${A}/clusters/never-came`)).statusCode).toBe(204);
      expect((await api.call('GET', `${A}/clusters/never-came`)).statusCode).toBe(404);
      const running = await api.call('DELETE', `${A}/clusters/running`);
      expect(running.statusCode).toBe(202);
      expect(running.json()).toMatchObject({ name: 'running', phase: 'deleting', stale: false });
    });
  });

  describe('host lookup', () => {
    let byUuid: Host;
    beforeAll(async () => {
      const res = await api.call('POST', `${A}/hosts`, { body: { uuid: '5a5a5a5a-0000-4000-8000-000000000001', serial: 'look-1' } });
      byUuid = res.json();
      await addHost('LOOK-2', 'look-1');
    });

    it('finds a host by serial and by uuid in any case', async () => {
      expect((await api.call('GET', `${A}/hosts/LOOK-2`)).json().name).toBe('look-1');
      expect((await api.call('GET', `${A}/hosts/5A5A5A5A-0000-4000-8000-000000000001`)).json().id).toBe(byUuid.id);
    });

    it('answers AmbiguousReference listing the hosts when a text is one host name and another host serial', async () => {
      const res = await api.call('GET', `${A}/hosts/look-1`);
      expect(res.statusCode).toBe(409);
      const other = (await api.call('GET', `${A}/hosts/LOOK-2`)).json();
      expect(res.json()).toEqual({
        type: 'https://edge-orch.dev/problems/AmbiguousReference',
        title: 'The reference matches more than one resource',
        status: 409,
        detail: `"look-1" matches 2 hosts: the name of host look-1 (${other.id}) and the serial of host ${byUuid.name} (${byUuid.id}); name the host by its id`,
        instance: `${A}/hosts/look-1`,
        code: 'AmbiguousReference',
        matches: [
          { id: other.id, name: 'look-1', matchedBy: 'name' },
          { id: byUuid.id, name: byUuid.name, matchedBy: 'serial' },
        ],
      });
      expect((await api.call('GET', `${A}/hosts/${byUuid.id}`)).json().serial).toBe('look-1');
    });
  });
}
