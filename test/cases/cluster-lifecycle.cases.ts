/**
 * Cluster lifecycle through the API, written once and run per engine (test/api/api.test.ts): provisioning
 * existing hosts, eligible hosts, creating clusters with options 1–3, multi-node joins, removing nodes, deleting
 * clusters and deauthorizing their hosts. Agents are stood in for by the use-cases the agent routes call
 * (their own suites cover the routes), so each story stays short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../src/domain/bootstrap/agent-report.ts';
import type { Host } from '../../src/domain/inventory/host.ts';
import type { Store } from '../../src/store/store.ts';
import { HostEvents } from '../../src/workflow/host-events.ts';
import { applyAgentReport } from '../../src/workflow/use-cases/apply-agent-report.ts';
import { loadDesiredState } from '../../src/workflow/use-cases/load-desired-state.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { emtImageManifest } from '../support/emt-image-manifest.ts';
import { readFormat } from '../support/formats.ts';
import { HOST_KUBECONFIG } from '../support/kubeconfig.ts';

const A = '/api/v1/projects/alpha';
const EMT = 'microvisor-nonrt';
const EMT_VERSION = '3.0.20260602.2200';
/** A later EMT image of the same profile that embeds the K3s of baseline-k3s v0.0.10. */
const EMT_NEXT = '3.0.20260901.0100';
const UPDATE_COMMAND = ['/usr/bin/os-update-tool.sh', '-u', '{imageUrl}', '-s', '{imageSha256}'];

const nextImageManifest = emtImageManifest(EMT_NEXT, 'v1.33.5+k3s1');

export function runClusterLifecycleCases({ createStore }: { createStore: () => Promise<Store> }): void {
  let api: ApiHarness;
  const events = new HostEvents();
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    for (const document of [
      readFormat('os-profiles/microvisor-nonrt.yaml'),
      readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml'),
      JSON.stringify(nextImageManifest),
    ]) {
      const res = await api.call('POST', `${A}/osprofiles/import`, { body: { document } });
      expect(res.statusCode, res.body).toBe(201);
    }
    for (const file of ['templates/baseline-k3s-v0.0.4.json', 'templates/baseline-k3s-v0.0.10.json']) {
      const res = await api.call('POST', `${A}/templates`, { body: JSON.parse(readFormat(file)) });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => api?.close());

  const register = async (serial: string): Promise<Host> => {
    const res = await api.call('POST', `${A}/hosts`, { body: { serial } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  /** What the host's agent would report: the image it runs, and its cluster's phase. */
  const report = (host: Host, manifest: AgentReport['manifest'], cluster: AgentReport['cluster'] = null) =>
    applyAgentReport({ store: api.store, events }, { project: 'alpha', hostId: host.id, report: { manifest, cluster } });
  const image = (name: string, version: string): AgentReport['manifest'] => ({
    image: { name, version, osType: name === EMT ? 'immutable' : 'mutable', architecture: 'x86_64' },
  });
  /** A host provisioned with `osProfile` whose agent reported running it. */
  const provisioned = async (serial: string, osProfile = `${EMT}:${EMT_VERSION}`): Promise<Host> => {
    const host = await register(serial);
    const res = await api.call('POST', `${A}/hosts/${host.name}/instance`, { body: { osProfile } });
    expect(res.statusCode, res.body).toBe(201);
    const [name, version] = osProfile.split(':') as [string, string];
    await report(host, image(name, version ?? res.json().instance.osProfileVersion));
    return (await api.call('GET', `${A}/hosts/${host.id}`)).json();
  };
  const desired = (host: Host, osUpdateCommand?: string[]) =>
    loadDesiredState(
      { store: api.store, events, ...(osUpdateCommand ? { osUpdateCommand } : {}) },
      { project: 'alpha', hostId: host.id, waitMs: 0 },
    );

  describe('provisioning an existing host', () => {
    it('creates its instance and answers with the create-instance step, as a registration job does', async () => {
      const host = await register('PROV-1');
      const res = await api.call('POST', `${A}/hosts/${host.name}/instance`, { body: { osProfile: EMT } });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body.host).toMatchObject({ id: host.id, name: 'host-prov-1' });
      expect(body.instance).toMatchObject({
        hostId: host.id,
        osProfile: EMT,
        osProfileVersion: EMT_NEXT,
        observedOsProfile: null,
        state: 'provisioning',
      });
      expect(body.steps).toEqual([
        {
          step: 'create-instance',
          status: 'succeeded',
          reason: null,
          resourceId: body.instance.id,
          created: true,
          attempts: 1,
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
        },
      ]);
      const again = await api.call('POST', `${A}/hosts/${host.id}/instance`, { body: { osProfile: EMT } });
      expect(again.statusCode).toBe(200);
      expect(again.json().steps[0]).toMatchObject({ status: 'succeeded', created: false, reason: { code: 'AlreadyProvisioned' } });
    });

    it('refuses another OS profile, an unknown one and a deauthorized host, with the step that failed', async () => {
      const other = await api.call('POST', `${A}/hosts/host-prov-1/instance`, { body: { osProfile: 'ubuntu-22.04-lts-generic' } });
      expect(other.statusCode).toBe(409);
      expect(other.json()).toMatchObject({ code: 'AlreadyExists', reason: 'InstanceConflict', field: 'osProfile' });
      expect(other.json().steps).toEqual([expect.objectContaining({ step: 'create-instance', status: 'failed' })]);
      const unknown = await api.call('POST', `${A}/hosts/host-prov-1/instance`, { body: { osProfile: 'nope' } });
      expect(unknown.json()).toMatchObject({ status: 404, code: 'NotFound', field: 'osProfile' });
      const host = await register('PROV-2');
      await api.call('POST', `${A}/hosts/${host.id}/deauthorize`);
      const refused = await api.call('POST', `${A}/hosts/${host.id}/instance`, { body: { osProfile: EMT } });
      expect(refused.json()).toMatchObject({ status: 409, code: 'InvalidState', reason: 'HostDeauthorized' });
      expect(await api.store.instances.findByHost('alpha', host.id)).toBeNull();
    });
  });

  describe('eligible hosts', () => {
    it('lists the provisioned hosts whose OS runs the template, and explains the others', async () => {
      const emt = await provisioned('ELIG-1');
      const ubuntu = await provisioned('ELIG-2', 'ubuntu-22.04-lts-generic');
      const bare = await register('ELIG-3');
      const names = (items: Host[]) => items.map((h) => h.name);
      const v4 = await api.call('GET', `${A}/hosts?namePrefix=host-elig&eligibleFor=baseline-k3s:v0.0.4`);
      expect(v4.statusCode, v4.body).toBe(200);
      expect(names(v4.json().items)).toEqual([emt.name, ubuntu.name]);
      expect(v4.json().ineligible).toBeUndefined();
      const v10 = await api.call('GET', `${A}/hosts?namePrefix=host-elig&eligibleFor=baseline-k3s:v0.0.10&explain=true`);
      expect(names(v10.json().items)).toEqual([ubuntu.name]);
      expect(v10.json().ineligible).toEqual([
        { host: expect.objectContaining({ id: emt.id }), reason: expect.objectContaining({ code: 'K3sVersionMismatch' }) },
        { host: expect.objectContaining({ id: bare.id }), reason: expect.objectContaining({ code: 'NotProvisioned' }) },
      ]);
      const lone = await api.call('GET', `${A}/hosts?explain=true`);
      expect(lone.json()).toMatchObject({ status: 400, code: 'InvalidField', field: 'querystring/explain' });
    });
  });

  describe('creating a cluster', () => {
    it('option 1: clusters a provisioned host, answering each host’s steps', async () => {
      const host = await provisioned('OPT1-1');
      const res = await api.call('POST', `${A}/clusters`, {
        body: { name: 'opt1', template: 'baseline-k3s:v0.0.4', nodes: [{ host: host.name }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().cluster).toMatchObject({
        name: 'opt1',
        kubernetesVersion: 'v1.32.4+k3s1',
        osProfile: EMT,
        airGapped: true,
        nodes: [{ hostId: host.id, role: 'all' }],
        phase: 'waiting-for-nodes',
        autoCreated: false,
        deletionPolicy: 'orphan',
      });
      expect(res.json().hosts).toEqual([
        {
          hostId: host.id,
          name: host.name,
          steps: [
            expect.objectContaining({
              step: 'create-instance',
              status: 'succeeded',
              created: false,
              reason: expect.objectContaining({ code: 'AlreadyProvisioned' }),
            }),
            expect.objectContaining({ step: 'create-cluster', status: 'succeeded', created: true, resourceId: 'opt1' }),
          ],
        },
      ]);
      const action = (await desired(host)).action;
      expect(action).toMatchObject({ kind: 'install', cluster: 'opt1', plan: { mode: 'air-gapped', role: 'server' } });
    });

    it('long-polls a cluster: answered at once without a revision, held while it is unchanged, answered when it moves', async () => {
      const host = await provisioned('POLL-1');
      const created = await api.call('POST', `${A}/clusters`, {
        body: { name: 'polled', template: 'baseline-k3s:v0.0.4', nodes: [{ host: host.name }] },
      });
      expect(created.statusCode, created.body).toBe(201);
      const first = await api.call('GET', `${A}/clusters/polled/progress`);
      expect(first.statusCode, first.body).toBe(200);
      const { revision, cluster } = first.json();
      expect(cluster).toMatchObject({ name: 'polled', phase: 'waiting-for-nodes' });

      const heldSince = Date.now();
      const unchanged = await api.call('GET', `${A}/clusters/polled/progress?since=${revision}&wait=1`);
      expect(Date.now() - heldSince).toBeGreaterThanOrEqual(900);
      expect(unchanged.json()).toEqual(first.json());

      const moved = api.call('GET', `${A}/clusters/polled/progress?since=${revision}&wait=20`);
      const reportedAt = Date.now();
      await report(host, image(EMT, EMT_VERSION), { name: 'polled', phase: 'ready', message: 'K3s is ready', kubeconfig: HOST_KUBECONFIG });
      const answer = await moved;
      expect(Date.now() - reportedAt).toBeLessThan(10_000);
      expect(answer.json().revision).not.toBe(revision);
      expect(answer.json().cluster).toMatchObject({ name: 'polled', phase: 'ready' });
      expect((await api.call('GET', `${A}/clusters/nowhere/progress`)).statusCode).toBe(404);
      expect((await api.call('GET', `${A}/clusters/polled/progress?wait=31`)).statusCode).toBe(400);
    });

    it('refuses an incompatible host with its reason, and a host of another cluster, writing nothing', async () => {
      const host = await provisioned('OPT1-2');
      const res = await api.call('POST', `${A}/clusters`, {
        body: { name: 'too-new', template: 'baseline-k3s:v0.0.10', nodes: [{ host: host.id }] },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'Incompatible',
        reason: 'K3sVersionMismatch',
        field: 'nodes/0/host',
        details: { templateVersion: 'v1.33.5+k3s1', embeddedVersion: 'v1.32.4+k3s1' },
      });
      expect(res.json().hosts[0].steps[1]).toMatchObject({
        step: 'create-cluster',
        status: 'failed',
        reason: { code: 'K3sVersionMismatch' },
      });
      expect((await api.call('GET', `${A}/clusters/too-new`)).statusCode).toBe(404);
      const taken = await api.call('POST', `${A}/clusters`, {
        body: { name: 'again', template: 'baseline-k3s:v0.0.4', nodes: [{ host: 'host-opt1-1' }] },
      });
      expect(taken.json()).toMatchObject({ status: 409, code: 'AlreadyExists', reason: 'ClusterConflict' });
    });

    it('option 3: provisions a host without an instance with a compatible OS profile, then clusters it', async () => {
      const host = await register('OPT3-1');
      const wrong = await api.call('POST', `${A}/clusters`, {
        body: { name: 'opt3', template: 'baseline-k3s:v0.0.10', osProfile: `${EMT}:${EMT_VERSION}`, nodes: [{ host: host.name }] },
      });
      expect(wrong.json()).toMatchObject({ status: 409, code: 'Incompatible', reason: 'K3sVersionMismatch' });
      expect(await api.store.instances.findByHost('alpha', host.id)).toBeNull();
      const res = await api.call('POST', `${A}/clusters`, {
        body: { name: 'opt3', template: 'baseline-k3s:v0.0.10', osProfile: EMT, nodes: [{ host: host.name }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const [instanceStep, clusterStep] = res.json().hosts[0].steps;
      expect(instanceStep).toMatchObject({ step: 'create-instance', status: 'succeeded', created: true });
      expect(clusterStep).toMatchObject({ step: 'create-cluster', status: 'succeeded', created: true });
      expect(await api.store.instances.findByHost('alpha', host.id)).toMatchObject({ osProfile: EMT, osProfileVersion: EMT_NEXT });
      expect((await desired(host)).action).toMatchObject({ kind: 'wait', cluster: 'opt3' });
    });

    it('option 2: moves an EMT host to the profile version that embeds the template’s K3s, then installs after its report', async () => {
      const host = await provisioned('OPT2-1');
      const without = await api.call('POST', `${A}/clusters`, {
        body: { name: 'opt2', template: 'baseline-k3s:v0.0.10', nodes: [{ host: host.id }] },
      });
      expect(without.json()).toMatchObject({ status: 409, reason: 'K3sVersionMismatch' });
      const res = await api.call('POST', `${A}/clusters`, {
        body: { name: 'opt2', template: 'baseline-k3s:v0.0.10', osUpdate: true, nodes: [{ host: host.id }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().hosts[0].steps[0].reason.message).toContain(`moves to OS profile ${EMT}:${EMT_NEXT}`);
      expect((await desired(host)).action).toMatchObject({ kind: 'blocked', reason: { code: 'OsUpdateNotConfigured' } });
      expect((await desired(host, UPDATE_COMMAND)).action).toEqual({
        kind: 'update-os',
        cluster: 'opt2',
        osProfile: EMT,
        version: EMT_NEXT,
        argv: ['/usr/bin/os-update-tool.sh', '-u', nextImageManifest.image.imageUrl, '-s', 'ab'.repeat(32)],
      });
      await report(host, image(EMT, EMT_NEXT));
      const after = (await desired(host, UPDATE_COMMAND)).action;
      expect(after).toMatchObject({ kind: 'install', plan: { mode: 'air-gapped', kubernetesVersion: 'v1.33.5+k3s1' } });
    });

    it('of fifty concurrent creates naming one host, exactly one wins and the others get 409', async () => {
      const host = await provisioned('RACE-1');
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.call('POST', `${A}/clusters`, { body: { name: `race-${i}`, template: 'baseline-k3s:v0.0.4', nodes: [{ host: host.id }] } }),
        ),
      );
      const statuses = answers.map((a) => a.statusCode);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      expect(answers.filter((a) => a.statusCode === 409).every((a) => a.json().code === 'AlreadyExists')).toBe(true);
      const clusters = (await api.call('GET', `${A}/clusters?limit=500`))
        .json()
        .items.filter((c: { name: string }) => c.name.startsWith('race-'));
      expect(clusters).toHaveLength(1);
    });
  });

  describe('multi-node clusters', () => {
    let server: Host;
    let workers: Host[];
    it('creates one server and two workers; workers join the first server with the cluster’s token once it is ready', async () => {
      server = await provisioned('MULTI-1');
      workers = [await provisioned('MULTI-2'), await provisioned('MULTI-3')];
      const res = await api.call('POST', `${A}/clusters`, {
        body: {
          name: 'trio',
          template: 'baseline-k3s:v0.0.4',
          deleteOnDeauthorize: true,
          nodes: [{ host: server.name, role: 'controlplane' }, ...workers.map((w) => ({ host: w.name, role: 'worker' as const }))],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().cluster.deletionPolicy).toBe('delete');
      const first = (await desired(server)).action;
      expect(first).toMatchObject({
        kind: 'install',
        plan: { role: 'server', k3sConfig: { token: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      });
      const token = first.kind === 'install' ? first.plan.k3sConfig.token : '';
      expect(first.kind === 'install' && first.plan.k3sConfig.server).toBeUndefined();
      expect((await desired(workers[0]!)).action).toMatchObject({ kind: 'wait', message: expect.stringContaining(server.name) });

      await report(server, image(EMT, EMT_VERSION), { name: 'trio', phase: 'ready', message: 'K3s is ready', kubeconfig: HOST_KUBECONFIG });
      expect((await api.call('GET', `${A}/clusters/trio`)).json()).toMatchObject({ phase: 'provisioning' });
      for (const worker of workers) {
        const action = (await desired(worker)).action;
        expect(action).toMatchObject({
          kind: 'install',
          plan: { role: 'agent', mode: 'air-gapped', k3sConfig: { server: 'https://10.0.0.5:6443', token } },
        });
        await report(worker, image(EMT, EMT_VERSION), { name: 'trio', phase: 'ready', message: 'joined' });
      }
      const ready = (await api.call('GET', `${A}/clusters/trio`)).json();
      expect(ready.phase).toBe('ready');
      expect(ready.nodes.map((n: { phase: string }) => n.phase)).toEqual(['ready', 'ready', 'ready']);
      expect((await api.call('GET', `${A}/hosts/${workers[0]!.id}`)).json().state).toBe('in-cluster');
    });

    it('refuses a joining host whose image embeds another K3s, with the reason', async () => {
      const next = await provisioned('MULTI-4', `${EMT}:${EMT_NEXT}`);
      const res = await api.call('POST', `${A}/clusters/trio/nodes`, { body: { nodes: [{ host: next.name }] } });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'Incompatible', reason: 'NodeVersionDiffers', field: 'nodes/0/host' });
      expect(res.json().detail).toContain('would run K3s v1.33.5+k3s1');
      expect(res.json().detail).toContain('the nodes of this cluster run v1.32.4+k3s1');
    });

    it('adds a worker afterwards, and refuses two servers', async () => {
      const extra = await provisioned('MULTI-5');
      const two = await api.call('POST', `${A}/clusters/trio/nodes`, { body: { nodes: [{ host: extra.name, role: 'controlplane' }] } });
      expect(two.json()).toMatchObject({ status: 400, code: 'InvalidField', field: 'nodes' });
      const res = await api.call('POST', `${A}/clusters/trio/nodes`, { body: { nodes: [{ host: extra.name }] } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().cluster.nodes.at(-1)).toEqual({ hostId: extra.id, role: 'worker' });
      expect(
        res
          .json()
          .cluster.nodes.slice(0, 3)
          .map((n: { phase: string }) => n.phase),
      ).toEqual(['ready', 'ready', 'ready']);
      expect((await desired(extra)).action).toMatchObject({ kind: 'install', plan: { role: 'agent' } });
    });

    it('removes a worker, whose host then removes K3s and returns to provisioned; not the first server', async () => {
      const first = await api.call('DELETE', `${A}/clusters/trio/nodes/${server.name}`);
      expect(first.json()).toMatchObject({ status: 409, code: 'InvalidState' });
      expect(first.json().detail).toContain('first server');
      const res = await api.call('DELETE', `${A}/clusters/trio/nodes/host-multi-5`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().nodes).toHaveLength(3);
      const extra = (await api.call('GET', `${A}/hosts/host-multi-5`)).json();
      expect((await desired(extra)).action).toEqual({ kind: 'remove', cluster: 'trio' });
      await report(extra, image(EMT, EMT_VERSION), { name: 'trio', phase: 'removed', message: 'K3s removed' });
      expect((await desired(extra)).action).toEqual({ kind: 'none' });
      expect((await api.call('GET', `${A}/hosts/host-multi-5`)).json().state).toBe('provisioned');
    });

    it('deauthorizing the hosts one by one deletes the cluster only with the last', async () => {
      for (const worker of workers) {
        expect((await api.call('POST', `${A}/hosts/${worker.id}/deauthorize`)).statusCode).toBe(200);
        expect((await api.call('GET', `${A}/clusters/trio`)).json().phase).not.toBe('deleting');
        expect((await desired(worker)).action).toEqual({ kind: 'remove', cluster: 'trio' });
        await report(worker, image(EMT, EMT_VERSION), { name: 'trio', phase: 'removed', message: 'K3s removed' });
      }
      expect((await api.call('GET', `${A}/clusters/trio`)).json().nodes).toEqual([expect.objectContaining({ hostId: server.id })]);
      await api.call('POST', `${A}/hosts/${server.id}/deauthorize`);
      expect((await api.call('GET', `${A}/clusters/trio`)).json().phase).toBe('deleting');
      await report(server, image(EMT, EMT_VERSION), { name: 'trio', phase: 'removed', message: 'K3s removed' });
      expect((await api.call('GET', `${A}/clusters/trio`)).statusCode).toBe(404);
    });
  });

  describe('deleting a cluster', () => {
    it('waits for every node to remove K3s, then returns the hosts to provisioned', async () => {
      const hosts = [await provisioned('DEL-1'), await provisioned('DEL-2')];
      const nodes = [
        { host: hosts[0]!.id, role: 'controlplane' },
        { host: hosts[1]!.id, role: 'worker' },
      ];
      expect((await api.call('POST', `${A}/clusters`, { body: { name: 'pair', template: 'baseline-k3s:v0.0.4', nodes } })).statusCode).toBe(
        201,
      );
      const res = await api.call('DELETE', `${A}/clusters/pair`);
      expect(res.statusCode).toBe(202);
      expect((await desired(hosts[0]!)).action).toEqual({ kind: 'remove', cluster: 'pair' });
      await report(hosts[0]!, image(EMT, EMT_VERSION), { name: 'pair', phase: 'removed', message: 'K3s removed' });
      expect((await api.call('GET', `${A}/clusters/pair`)).json()).toMatchObject({ phase: 'deleting' });
      await report(hosts[1]!, image(EMT, EMT_VERSION), { name: 'pair', phase: 'removed', message: 'K3s removed' });
      expect((await api.call('GET', `${A}/clusters/pair`)).statusCode).toBe(404);
      for (const host of hosts) expect((await api.call('GET', `${A}/hosts/${host.id}`)).json().state).toBe('provisioned');
    });

    it('forced, deletes at once and leaves each host a cleanup it does when it returns', async () => {
      const host = await provisioned('DEL-3');
      await api.call('POST', `${A}/clusters`, { body: { name: 'gone', template: 'baseline-k3s:v0.0.4', nodes: [{ host: host.id }] } });
      expect((await api.call('DELETE', `${A}/clusters/gone?force=true`)).statusCode).toBe(204);
      expect((await desired(host)).action).toEqual({ kind: 'remove', cluster: 'gone' });
      await report(host, image(EMT, EMT_VERSION), { name: 'gone', phase: 'removed', message: 'K3s removed' });
      expect((await desired(host)).action).toEqual({ kind: 'none' });
    });

    it('with deauthorize=true deauthorizes the hosts, which needs hosts:write as well', async () => {
      const host = await provisioned('DEL-4');
      await api.call('POST', `${A}/clusters`, { body: { name: 'retire', template: 'baseline-k3s:v0.0.4', nodes: [{ host: host.id }] } });
      const operator = await api.call('DELETE', `${A}/clusters/retire?deauthorize=true`, {
        token: await api.token('alpha', 'edge-operator'),
      });
      expect(operator.json()).toMatchObject({ status: 403, code: 'Forbidden', reason: 'RoleNotAllowed' });
      const res = await api.call('DELETE', `${A}/clusters/retire?deauthorize=true`);
      expect(res.statusCode).toBe(202);
      expect((await api.call('GET', `${A}/hosts/${host.id}`)).json().state).toBe('deauthorized');
      await report(host, image(EMT, EMT_VERSION), { name: 'retire', phase: 'removed', message: 'K3s removed' });
      expect((await api.call('GET', `${A}/clusters/retire`)).statusCode).toBe(404);
    });
  });
}
