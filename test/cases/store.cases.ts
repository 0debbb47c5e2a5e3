/**
 * The store's rules, written once and run per engine (test/store/store.test.ts): identity lookups, label filters
 * and paging cursors, the uniqueness and in-use rules of each sub-store as AppErrors (STYLE E5), credentials, and
 * transactions that roll back. Rules the API suite already shows through HTTP (template filters, the 409 for a
 * second OS profile or template version) are not repeated here. Each test works in its own project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reason } from '../../src/domain/reasons.ts';
import { parseOsProfileDocument } from '../../src/domain/inventory/os-profile.ts';
import { parseTemplate } from '../../src/domain/inventory/template.ts';
import type { HostRegistration } from '../../src/domain/inventory/host.ts';
import type { NewCluster, Store } from '../../src/store/store.ts';
import { expectAppError } from '../support/expect-app-error.ts';
import { readFormat } from '../support/formats.ts';

const EMT = parseOsProfileDocument(readFormat('os-profiles/microvisor-nonrt.yaml'));
const UBUNTU = parseOsProfileDocument(readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml'));
const V004 = parseTemplate(JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')));
const OVERRIDE: Reason = {
  code: 'AirGappedOverridden',
  message: 'template sets agentConfig.airGapped=true; the OS profile decides airGapped=false',
  details: { templateValue: 'true', decided: 'false' },
};

/** An expiry far ahead, for credentials whose expiry a case does not look at. */
const LATER = '2999-01-01T00:00:00.000Z';
const registration = (name: string, more: Partial<HostRegistration> = {}): HostRegistration => ({
  name,
  uuid: null,
  serial: name.toUpperCase(),
  site: null,
  labels: {},
  ...more,
});

const newCluster = (name: string, hostIds: string[], more: Partial<NewCluster> = {}): NewCluster => ({
  name,
  template: { name: V004.name, version: V004.version },
  flavor: 'k3s',
  kubernetesVersion: V004.kubernetesVersion,
  osProfile: EMT.name,
  nodes: hostIds.map((hostId, i) => ({ hostId, role: i === 0 ? 'all' : 'worker' })),
  airGapped: true,
  airGappedOverride: null,
  driver: 'agent',
  phase: 'waiting-for-nodes',
  message: '',
  labels: {},
  autoCreated: false,
  deletionPolicy: 'delete',
  ...more,
});

export function runStoreCases({ createStore }: { createStore: () => Promise<Store> }): void {
  let store: Store;
  beforeAll(async () => {
    store = await createStore();
  });
  afterAll(async () => store?.close());

  /** A fresh project with the EMT and Ubuntu profiles and template baseline-k3s v0.0.4. */
  async function inventory(project: string): Promise<string> {
    await store.projects.ensure(project);
    await store.osProfiles.create(project, EMT);
    await store.osProfiles.create(project, UBUNTU);
    await store.templates.create(project, V004);
    return project;
  }

  describe('hosts', () => {
    it('finds a host by uuid or serial, the earliest when they name two hosts, and nothing for neither', async () => {
      const p = await inventory('hosts-identity');
      const uuid = '4c4c4544-0000-4000-8000-000000000001';
      const a = await store.hosts.register(p, registration('edge-a', { uuid }));
      const b = await store.hosts.register(p, registration('edge-b'));
      expect(await store.hosts.findByIdentity(p, { uuid, serial: null })).toEqual(a);
      expect(await store.hosts.findByIdentity(p, { uuid: null, serial: 'EDGE-B' })).toEqual(b);
      expect((await store.hosts.findByIdentity(p, { uuid, serial: 'EDGE-B' }))?.id).toBe(a.id);
      expect(await store.hosts.findByIdentity(p, { uuid: null, serial: null })).toBeNull();
      expect(await store.hosts.findByIdentity('hosts-other', { uuid, serial: null })).toBeNull();
    });

    it('finds by reference, in one call, every host whose id, name, serial or uuid it is, and only in its project', async () => {
      const p = await inventory('hosts-reference');
      const uuid = '4c4c4544-0000-4000-8000-000000000003';
      const named = await store.hosts.register(p, registration('EDGE-C', { uuid: null, serial: 'S-1' }));
      const bySerial = await store.hosts.register(p, registration('edge-d', { uuid: null, serial: 'EDGE-C' }));
      const byUuid = await store.hosts.register(p, registration('edge-e', { uuid, serial: null }));
      const ids = (reference: { id: string; name: string; serial: string | null; uuid: string | null }, project = p) =>
        store.hosts.findByReference(project, reference).then((hosts) => hosts.map((h) => h.id).sort());
      const sorted = (...hosts: { id: string }[]) => hosts.map((h) => h.id).sort();
      expect(await ids({ id: 'EDGE-C', name: 'EDGE-C', serial: 'EDGE-C', uuid: null })).toEqual(sorted(named, bySerial));
      expect(await ids({ id: 'EDGE-C', name: 'EDGE-C', serial: null, uuid: null })).toEqual([named.id]);
      expect(await ids({ id: byUuid.id, name: byUuid.id, serial: null, uuid })).toEqual([byUuid.id]);
      expect(await ids({ id: 'x', name: 'edge-e', serial: 'S-1', uuid })).toEqual(sorted(named, byUuid));
      expect(await ids({ id: named.id, name: 'EDGE-C', serial: 'EDGE-C', uuid }, 'hosts-other')).toEqual([]);
    });

    it.each(['uuid', 'serial', 'name'] as const)(
      'refuses a second host with the same %s, naming the field and the existing host',
      async (field) => {
        const p = await inventory(`hosts-unique-${field}`);
        const first = await store.hosts.register(p, registration('edge-1', { uuid: '4c4c4544-0000-4000-8000-000000000002' }));
        const clash = { uuid: null, serial: 'OTHER', name: 'other', [field]: first[field] };
        const error = await expectAppError(store.hosts.register(p, registration('x', clash)), {
          code: 'AlreadyExists',
          status: 409,
          field,
          extra: { existing: { id: first.id, name: 'edge-1' } },
        });
        expect(error.detail).toBe(`a host with ${field} ${first[field]} is already registered: edge-1 (${first.id})`);
      },
    );

    it('renames a host unless another host has the name', async () => {
      const p = await inventory('hosts-rename');
      const a = await store.hosts.register(p, registration('edge-a', { labels: { zone: 'a' } }));
      await store.hosts.register(p, registration('edge-b'));
      await expectAppError(store.hosts.update(p, a.id, { name: 'edge-b' }), { code: 'AlreadyExists', field: 'name' });
      expect(await store.hosts.update(p, a.id, { name: 'edge-a', site: 'plant-2' })).toMatchObject({
        name: 'edge-a',
        site: 'plant-2',
        labels: { zone: 'a' },
      });
      expect((await store.hosts.update(p, a.id, { name: 'edge-c' })).name).toBe('edge-c');
    });

    it('matches label filters exactly: every pair, whole values, and no LIKE wildcards', async () => {
      const p = await inventory('hosts-labels');
      await store.hosts.register(p, registration('h-under', { labels: { tier: 'x_y', zone: 'a' } }));
      await store.hosts.register(p, registration('h-plain', { labels: { tier: 'xzy', zone: 'a' } }));
      await store.hosts.register(p, registration('h-long', { labels: { tier: 'x_yz', xzone: 'b' } }));
      await store.hosts.register(p, registration('h-slash', { labels: { 'example.com/path': 'a\\b' } }));
      const names = async (labels: Record<string, string>) => (await store.hosts.list(p, { labels })).items.map((h) => h.name);
      expect(await names({ tier: 'x_y' })).toEqual(['h-under']);
      expect(await names({ zone: 'a' })).toEqual(['h-under', 'h-plain']);
      expect(await names({ zone: 'b' })).toEqual([]);
      expect(await names({ tier: 'xzy', zone: 'a' })).toEqual(['h-plain']);
      expect(await names({ tier: 'x_y', zone: 'b' })).toEqual([]);
      expect(await names({ 'example.com/path': 'a\\b' })).toEqual(['h-slash']);
      expect((await store.hosts.list(p, { namePrefix: 'h-u' })).items.map((h) => h.name)).toEqual(['h-under']);
    });

    it('pages in creation order with an opaque cursor, and refuses a bad cursor or limit naming the field', async () => {
      const p = await inventory('hosts-paging');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.hosts.register(p, registration(`page-${i}`))).id);
      const first = await store.hosts.list(p, {}, { limit: 2 });
      expect(first.items.map((h) => h.id)).toEqual(ids.slice(0, 2));
      expect(first.nextCursor).not.toContain(ids[1]);
      const second = await store.hosts.list(p, {}, { limit: 2, cursor: first.nextCursor });
      const third = await store.hosts.list(p, {}, { limit: 2, cursor: second.nextCursor });
      expect([...second.items, ...third.items].map((h) => h.id)).toEqual(ids.slice(2));
      expect(third.nextCursor).toBeNull();
      await expectAppError(store.hosts.list(p, {}, { cursor: 'not a cursor' }), { code: 'InvalidField', field: 'cursor' });
      await expectAppError(store.hosts.list(p, {}, { limit: 501 }), { code: 'InvalidField', field: 'limit' });
      await expectAppError(store.instances.list(p, { limit: 0 }), { code: 'InvalidField', field: 'limit' });
    });

    it('answers NotFound for a host of another project or an unknown id', async () => {
      const p = await inventory('hosts-scope');
      const host = await store.hosts.register(p, registration('edge-1'));
      await inventory('hosts-scope-b');
      await expectAppError(store.hosts.get('hosts-scope-b', host.id), { code: 'NotFound', extra: { resource: 'host', id: host.id } });
      await expectAppError(store.hosts.setState(p, 'unknown', 'provisioned'), { code: 'NotFound' });
      expect((await store.hosts.setState(p, host.id, 'deauthorized')).state).toBe('deauthorized');
      expect((await store.hosts.list(p, { state: 'deauthorized' })).items.map((h) => h.id)).toEqual([host.id]);
    });

    it('refuses to delete a cluster node; once free, deletes the host with its instance and credential', async () => {
      const p = await inventory('hosts-delete');
      const host = await store.hosts.register(p, registration('edge-1'));
      await store.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name } });
      await store.agents.issueHostCredential(p, host.id, 'hash-delete', LATER);
      await store.clusters.create(p, newCluster('c1', [host.id]));
      await expectAppError(store.hosts.delete(p, host.id), { code: 'InUse', extra: { usedBy: { cluster: 'c1' } } });
      await store.clusters.delete(p, 'c1');
      await store.hosts.delete(p, host.id);
      expect(await store.hosts.find(p, host.id)).toBeNull();
      expect(await store.instances.findByHost(p, host.id)).toBeNull();
      expect(await store.agents.findHostByCredential('hash-delete')).toBeNull();
    });
  });

  describe('instances', () => {
    it('gives a host one instance, which needs the host and the OS profile', async () => {
      const p = await inventory('instances-create');
      const host = await store.hosts.register(p, registration('edge-1'));
      await expectAppError(store.instances.create(p, { hostId: 'missing', osProfile: { name: EMT.name } }), {
        code: 'NotFound',
        extra: { resource: 'host' },
      });
      await expectAppError(store.instances.create(p, { hostId: host.id, osProfile: { name: 'missing' } }), {
        code: 'NotFound',
        extra: { resource: 'OS profile' },
      });
      const instance = await store.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name } });
      expect(instance).toMatchObject({ hostId: host.id, osProfile: EMT.name, observedOsProfile: null, state: 'provisioning' });
      await expectAppError(store.instances.create(p, { hostId: host.id, osProfile: { name: UBUNTU.name } }), {
        code: 'AlreadyExists',
        extra: { existing: { id: instance.id } },
      });
    });

    it('computes the state from the observed OS profile, and deletes once', async () => {
      const p = await inventory('instances-observed');
      const host = await store.hosts.register(p, registration('edge-1'));
      const instance = await store.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name } });
      expect((await store.instances.setObserved(p, instance.id, EMT.name)).state).toBe('running');
      expect((await store.instances.setObserved(p, instance.id, UBUNTU.name)).state).toBe('error');
      expect((await store.instances.list(p)).items.map((i) => i.id)).toEqual([instance.id]);
      await store.instances.delete(p, instance.id);
      await expectAppError(store.instances.delete(p, instance.id), { code: 'NotFound' });
      await expectAppError(store.instances.setObserved(p, instance.id, null), { code: 'NotFound' });
    });

    it('keeps the reported image version, and moves an instance to another imported version of its profile only', async () => {
      const p = await inventory('instances-version');
      await store.osProfiles.create(p, { ...EMT, version: '3.1.0', resourceId: null });
      const host = await store.hosts.register(p, registration('edge-1'));
      const instance = await store.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name, version: EMT.version } });
      expect(await store.instances.setObserved(p, instance.id, EMT.name, EMT.version)).toMatchObject({ observedOsVersion: EMT.version });
      expect(await store.instances.setOsProfile(p, instance.id, { name: EMT.name, version: '3.1.0' })).toMatchObject({
        osProfileVersion: '3.1.0',
        observedOsVersion: EMT.version,
      });
      await expectAppError(store.instances.setOsProfile(p, instance.id, { name: EMT.name, version: '9.9' }), { code: 'NotFound' });
    });
  });

  describe('clusters', () => {
    it('stores the whole cluster, the airGapped override included, and finds it by any of its hosts', async () => {
      const p = await inventory('clusters-roundtrip');
      const a = await store.hosts.register(p, registration('edge-a'));
      const b = await store.hosts.register(p, registration('edge-b'));
      const created = await store.clusters.create(
        p,
        newCluster('ubuntu-edge', [a.id, b.id], {
          osProfile: UBUNTU.name,
          airGapped: false,
          airGappedOverride: OVERRIDE,
          labels: { tier: 'x' },
        }),
      );
      expect(await store.clusters.get(p, 'ubuntu-edge')).toEqual(created);
      expect(created).toMatchObject({
        airGappedOverride: OVERRIDE,
        nodes: [
          { hostId: a.id, role: 'all' },
          { hostId: b.id, role: 'worker' },
        ],
      });
      expect((await store.clusters.findByHost(p, b.id))?.id).toBe(created.id);
      expect(await store.clusters.findByHost('clusters-other', b.id)).toBeNull();
    });

    it('refuses a taken name, and a host that is a node of another cluster, naming each', async () => {
      const p = await inventory('clusters-unique');
      const host = await store.hosts.register(p, registration('edge-1'));
      const other = await store.hosts.register(p, registration('edge-2'));
      await store.clusters.create(p, newCluster('c1', [host.id]));
      await expectAppError(store.clusters.create(p, newCluster('c1', [other.id])), {
        code: 'AlreadyExists',
        field: 'name',
        extra: { existing: { name: 'c1' } },
      });
      await expectAppError(
        store.transaction((tx) => tx.clusters.create(p, newCluster('c2', [other.id, host.id]))),
        {
          code: 'AlreadyExists',
          field: 'nodes',
          detail: `host ${host.id} is already a node of cluster c1`,
          extra: { existing: { cluster: 'c1' } },
        },
      );
      expect(await store.clusters.find(p, 'c2')).toBeNull();
    });

    it("translates the engine's unique violation into AlreadyExists, keeping the driver's text out of the detail", async () => {
      const p = await inventory('clusters-engine-unique');
      const host = await store.hosts.register(p, registration('edge-1'));
      // The same host twice in one cluster passes the explicit checks; only the cluster_nodes key refuses it.
      const error = await expectAppError(
        store.transaction((tx) => tx.clusters.create(p, newCluster('twice', [host.id, host.id]))),
        {
          code: 'AlreadyExists',
          status: 409,
          detail: `a host of ${host.id}, ${host.id} is already a node: claimed by another cluster at the same time, or listed twice`,
        },
      );
      expect((error.cause as { code?: string }).code).toMatch(/^(23505|SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE))$/);
      expect(await store.clusters.find(p, 'twice')).toBeNull();
    });

    it('replaces the nodes on update, freeing the hosts it drops, and keeps phase, message and labels', async () => {
      const p = await inventory('clusters-update');
      const a = await store.hosts.register(p, registration('edge-a'));
      const b = await store.hosts.register(p, registration('edge-b'));
      await store.clusters.create(p, newCluster('c1', [a.id]));
      const updated = await store.clusters.update(p, 'c1', {
        nodes: [{ hostId: b.id, role: 'all' }],
        phase: 'provisioning',
        message: 'installing',
        labels: { k: 'v' },
      });
      expect(updated).toMatchObject({
        nodes: [{ hostId: b.id, role: 'all' }],
        phase: 'provisioning',
        message: 'installing',
        labels: { k: 'v' },
      });
      expect(await store.clusters.findByHost(p, a.id)).toBeNull();
      expect((await store.clusters.findByHost(p, b.id))?.name).toBe('c1');
      await expectAppError(store.clusters.update(p, 'missing', { phase: 'ready' }), { code: 'NotFound' });
    });

    it('keeps a kubeconfig apart from the cluster document, and answers NotFound for an unknown cluster', async () => {
      const p = await inventory('clusters-kubeconfig');
      const host = await store.hosts.register(p, registration('edge-1'));
      await store.clusters.create(p, newCluster('c1', [host.id]));
      expect(await store.clusters.getKubeconfig(p, 'c1')).toBeNull();
      await store.clusters.setKubeconfig(p, 'c1', 'apiVersion: v1\nkind: Config\n');
      expect(await store.clusters.getKubeconfig(p, 'c1')).toBe('apiVersion: v1\nkind: Config\n');
      expect(await store.clusters.get(p, 'c1')).not.toHaveProperty('kubeconfig');
      await expectAppError(store.clusters.setKubeconfig(p, 'missing', 'x'), {
        code: 'NotFound',
        extra: { resource: 'cluster', id: 'missing' },
      });
      await expectAppError(store.clusters.getKubeconfig(p, 'missing'), { code: 'NotFound' });
    });

    it('checks every node before writing anything: a missing host leaves no cluster', async () => {
      const p = await inventory('clusters-check-first');
      const host = await store.hosts.register(p, registration('edge-1'));
      await expectAppError(
        store.transaction((tx) => tx.clusters.create(p, newCluster('c1', [host.id, 'no-such-host']))),
        { code: 'NotFound', extra: { resource: 'host', id: 'no-such-host' } },
      );
      expect(await store.clusters.find(p, 'c1')).toBeNull();
      expect(await store.clusters.findByHost(p, host.id)).toBeNull();
    });

    it('keeps each node’s phase when nodes join or leave, and a join token per cluster, sealed', async () => {
      const p = await inventory('clusters-nodes');
      const [a, b, c] = [
        await store.hosts.register(p, registration('edge-a')),
        await store.hosts.register(p, registration('edge-b')),
        await store.hosts.register(p, registration('edge-c')),
      ];
      await store.clusters.create(p, newCluster('c1', [a.id, b.id]));
      await store.clusters.setNodePhase(p, 'c1', a.id, 'ready');
      const grown = await store.clusters.update(p, 'c1', {
        nodes: [
          { hostId: a.id, role: 'all' },
          { hostId: b.id, role: 'worker' },
          { hostId: c.id, role: 'worker' },
        ],
      });
      expect(grown.nodes).toEqual([
        { hostId: a.id, role: 'all', phase: 'ready' },
        { hostId: b.id, role: 'worker' },
        { hostId: c.id, role: 'worker' },
      ]);
      const shrunk = await store.clusters.update(p, 'c1', { nodes: [grown.nodes[0]!, grown.nodes[2]!] });
      expect(shrunk.nodes.map((n) => n.hostId)).toEqual([a.id, c.id]);
      const token = await store.clusters.getJoinToken(p, 'c1');
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      await store.clusters.create(p, newCluster('c2', [b.id]));
      expect(await store.clusters.getJoinToken(p, 'c2')).not.toBe(token);
      await expectAppError(store.clusters.getJoinToken(p, 'missing'), { code: 'NotFound' });
    });

    it('records, finds and clears the K3s cleanup a host owes for a cluster it left', async () => {
      const p = await inventory('clusters-cleanup');
      const host = await store.hosts.register(p, registration('edge-1'));
      expect(await store.clusters.findCleanup(p, host.id)).toBeNull();
      await store.clusters.recordCleanup(p, host.id, 'old');
      await store.clusters.recordCleanup(p, host.id, 'older');
      expect(await store.clusters.findCleanup(p, host.id)).toBe('older');
      expect(await store.clusters.findCleanup('other-project', host.id)).toBeNull();
      await store.clusters.clearCleanup(p, host.id);
      expect(await store.clusters.findCleanup(p, host.id)).toBeNull();
    });

    it('pages clusters with a cursor', async () => {
      const p = await inventory('clusters-paging');
      for (let i = 0; i < 3; i++) {
        const host = await store.hosts.register(p, registration(`edge-${i}`));
        await store.clusters.create(p, newCluster(`c${i}`, [host.id]));
      }
      const first = await store.clusters.list(p, { limit: 2 });
      const second = await store.clusters.list(p, { limit: 2, cursor: first.nextCursor });
      expect([...first.items, ...second.items].map((c) => c.name)).toEqual(['c0', 'c1', 'c2']);
      expect(second.nextCursor).toBeNull();
    });
  });

  describe('OS profiles and templates', () => {
    it('lists profiles by name, and refuses to delete one an instance or a cluster uses', async () => {
      const p = await inventory('profiles-in-use');
      expect((await store.osProfiles.list(p)).items.map((o) => o.name)).toEqual([EMT.name, UBUNTU.name]);
      const stored = await store.osProfiles.get(p, { name: EMT.name });
      expect(stored).toEqual({ ...EMT, resourceId: expect.stringMatching(/^os-[0-9a-f]{8}$/) });
      const host = await store.hosts.register(p, registration('edge-1'));
      const instance = await store.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name } });
      expect(instance.osProfileVersion).toBe(EMT.version);
      await store.clusters.create(p, newCluster('c1', [host.id], { osProfile: UBUNTU.name }));
      const emt = { name: EMT.name, version: EMT.version };
      const ubuntu = { name: UBUNTU.name, version: UBUNTU.version };
      await expectAppError(store.osProfiles.delete(p, emt), { code: 'InUse', extra: { usedBy: { instance: instance.id } } });
      await expectAppError(store.osProfiles.delete(p, ubuntu), { code: 'InUse', extra: { usedBy: { cluster: 'c1' } } });
      await store.clusters.delete(p, 'c1');
      await store.osProfiles.delete(p, ubuntu);
      await expectAppError(store.osProfiles.get(p, { name: UBUNTU.name }), {
        code: 'NotFound',
        detail: `OS profile "${UBUNTU.name}" not found`,
      });
      await expectAppError(store.osProfiles.delete(p, ubuntu), { code: 'NotFound' });
    });

    it('keeps versions of a profile side by side: a name alone is the latest, an instance records the exact one', async () => {
      const p = await inventory('profiles-versions');
      const next = { ...EMT, version: '9.0.1', kubernetes: { ...EMT.kubernetes!, version: 'v1.33.5+k3s1' }, resourceId: null };
      const created = await store.osProfiles.create(p, next);
      await expectAppError(store.osProfiles.create(p, next), {
        code: 'AlreadyExists',
        extra: { existing: { name: EMT.name, version: '9.0.1' } },
      });
      expect((await store.osProfiles.list(p, { name: EMT.name })).items.map((o) => o.version)).toEqual(['9.0.1', EMT.version]);
      expect(await store.osProfiles.get(p, { name: EMT.name })).toEqual(created);
      expect((await store.osProfiles.get(p, { name: EMT.name, version: EMT.version })).kubernetes?.version).toBe(EMT.kubernetes!.version);
      const host = await store.hosts.register(p, registration('edge-1'));
      const instance = await store.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name, version: EMT.version } });
      expect(instance).toMatchObject({ osProfile: EMT.name, osProfileVersion: EMT.version });
      await store.osProfiles.delete(p, { name: EMT.name, version: '9.0.1' });
      const taken = (await store.osProfiles.get(p, { name: EMT.name })).resourceId;
      await expectAppError(store.osProfiles.create(p, { ...next, version: '9.0.2', resourceId: taken }), { code: 'AlreadyExists' });
    });

    it('names a missing template version as name:version', async () => {
      const p = await inventory('templates-missing');
      expect(await store.templates.get(p, V004)).toEqual(V004);
      await expectAppError(store.templates.get(p, { name: 'baseline-k3s', version: 'v9' }), {
        code: 'NotFound',
        detail: 'template "baseline-k3s:v9" not found',
      });
      await expectAppError(store.templates.delete(p, { name: 'baseline-k3s', version: 'v9' }), { code: 'NotFound' });
    });
  });

  describe('tokens and agent credentials', () => {
    it('creates the project with its first API token, finds a token by hash, and deletes it once', async () => {
      const token = await store.tokens.create({ project: 'tokens-new', role: 'admin', name: 'ci', secretHash: 'hash-token-1' });
      expect(await store.projects.list()).toContain('tokens-new');
      expect(await store.tokens.findBySecretHash('hash-token-1')).toEqual(token);
      expect(await store.tokens.list('tokens-new')).toEqual({ items: [token], nextCursor: null });
      expect(await store.tokens.list('tokens-other')).toEqual({ items: [], nextCursor: null });
      await expectAppError(store.tokens.delete('tokens-other', token.id), { code: 'NotFound' });
      await store.tokens.delete('tokens-new', token.id);
      expect(await store.tokens.findBySecretHash('hash-token-1')).toBeNull();
    });

    it('finds an enrollment token by hash, lists and revokes it, and counts uses up to its limit', async () => {
      const p = await inventory('agents');
      const enrollment = await store.agents.createEnrollmentToken({
        project: p,
        name: 'plant',
        secretHash: 'hash-enroll-1',
        expiresAt: '2099-01-01T00:00:00.000Z',
        maxUses: 2,
      });
      expect(enrollment).toMatchObject({ name: 'plant', expiresAt: '2099-01-01T00:00:00.000Z', maxUses: 2, uses: 0 });
      expect(await store.agents.findEnrollmentToken('hash-enroll-1')).toEqual(enrollment);
      expect(await store.agents.findEnrollmentToken('hash-enroll-2')).toBeNull();
      const uses = await Promise.all([1, 2, 3].map(() => store.agents.useEnrollmentToken(enrollment.id)));
      expect(uses.filter(Boolean)).toHaveLength(2);
      expect(await store.agents.listEnrollmentTokens(p)).toEqual([{ ...enrollment, uses: 2 }]);
      await expectAppError(store.agents.deleteEnrollmentToken('other', enrollment.id), { code: 'NotFound' });
      await store.agents.deleteEnrollmentToken(p, enrollment.id);
      expect(await store.agents.findEnrollmentToken('hash-enroll-1')).toBeNull();
    });

    it('gives a host one credential, never replaces it, and issues a new one only after a reset', async () => {
      const p = await inventory('credentials');
      const host = await store.hosts.register(p, registration('edge-1'));
      await store.agents.issueHostCredential(p, host.id, 'hash-cred-old', LATER);
      await expectAppError(store.agents.issueHostCredential(p, host.id, 'hash-cred-new', LATER), {
        code: 'InvalidState',
        reason: 'HostAlreadyEnrolled',
      });
      expect(await store.agents.findHostByCredential('hash-cred-old')).toEqual(host);
      expect(await store.agents.deleteHostCredential(p, host.id)).toBe(true);
      expect(await store.agents.hasHostCredential(p, host.id)).toBe(false);
      await store.agents.issueHostCredential(p, host.id, 'hash-cred-new', LATER);
      expect(await store.agents.findHostByCredential('hash-cred-old')).toBeNull();
      expect(await store.agents.findHostByCredential('hash-cred-new')).toEqual(host);
    });

    it('keeps the audit log per project, newest first, in pages', async () => {
      const event = (project: string, i: number) => ({
        project,
        at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
        actor: { kind: 'api-token' as const, tokenId: 't1', tokenName: 'ops', role: 'admin' },
        action: 'POST /hosts',
        target: { created: `h${i}` },
        status: 201,
        outcome: 'succeeded',
        requestId: `req-${i}`,
      });
      for (let i = 0; i < 5; i++) await store.audit.append(event('audit-a', i));
      await store.audit.append(event('audit-b', 9));
      const first = await store.audit.list('audit-a', { limit: 3 });
      expect(first.items.map((e) => e.target['created'])).toEqual(['h4', 'h3', 'h2']);
      const second = await store.audit.list('audit-a', { limit: 3, cursor: first.nextCursor });
      expect(second).toMatchObject({ nextCursor: null });
      expect(second.items.map((e) => e.target['created'])).toEqual(['h1', 'h0']);
      expect(second.items[1]).toEqual({ ...event('audit-a', 0), id: second.items[1]!.id });
    });

    it('refuses an expired host credential', async () => {
      const p = await inventory('agents-expiry');
      const host = await store.hosts.register(p, registration('edge-1'));
      await store.agents.setHostCredential(p, host.id, 'hash-cred-expired', new Date(Date.now() - 1000).toISOString());
      expect(await store.agents.findHostByCredential('hash-cred-expired')).toBeNull();
    });
  });

  describe('transactions', () => {
    it('rolls back every write when the function throws, and hands the error on unchanged', async () => {
      const p = await inventory('tx-rollback');
      const boom = new Error('boom');
      const thrown = await store
        .transaction(async (tx) => {
          const host = await tx.hosts.register(p, registration('edge-1'));
          await tx.instances.create(p, { hostId: host.id, osProfile: { name: EMT.name } });
          // A transaction inside one joins it, so its writes roll back too.
          await tx.transaction((inner) => inner.hosts.register(p, registration('edge-2')));
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(thrown).toBe(boom);
      expect((await store.hosts.list(p)).items).toEqual([]);
      expect((await store.instances.list(p)).items).toEqual([]);
    });

    it('rolls back the earlier writes when a store call inside fails with an AppError', async () => {
      const p = await inventory('tx-apperror');
      await expectAppError(
        store.transaction(async (tx) => {
          const host = await tx.hosts.register(p, registration('edge-1'));
          await tx.clusters.create(p, newCluster('c1', [host.id, 'missing-host']));
        }),
        { code: 'NotFound', extra: { resource: 'host', id: 'missing-host' } },
      );
      expect(await store.hosts.findByNames(p, ['edge-1'])).toEqual([]);
      expect(await store.clusters.find(p, 'c1')).toBeNull();
    });

    it('commits what the function wrote and returns its value', async () => {
      const p = await inventory('tx-commit');
      const host = await store.transaction((tx) => tx.hosts.register(p, registration('edge-1')));
      expect(await store.hosts.get(p, host.id)).toEqual(host);
    });
  });
}
