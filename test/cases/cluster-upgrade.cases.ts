/**
 * Mixed OS profiles in one cluster and rolling upgrades, through the API, written once and run per engine
 * (test/api/cluster-upgrade.test.ts). Agents are stood in for by the use-cases the agent routes call, as in
 * cluster-lifecycle.cases.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../src/domain/bootstrap/agent-report.ts';
import type { Host } from '../../src/domain/inventory/host.ts';
import type { Store } from '../../src/store/store.ts';
import { HostEvents } from '../../src/workflow/host-events.ts';
import { applyAgentReport } from '../../src/workflow/use-cases/apply-agent-report.ts';
import { loadDesiredState } from '../../src/workflow/use-cases/load-desired-state.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { readFormat } from '../support/formats.ts';
import { HOST_KUBECONFIG } from '../support/kubeconfig.ts';

const A = '/api/v1/projects/alpha';
const EMT = 'microvisor-nonrt';
const UBUNTU = 'ubuntu-22.04-lts-generic';
const EMT_VERSION = '3.0.20260602.2200'; // embeds v1.32.4+k3s1
/** Versions of the EMT profile made for these cases from the imported one, each embedding another K3s. */
const EMT_NEXT = '3.1'; // v1.33.5+k3s1, the next minor
const EMT_OLDER = '2.9'; // v1.31.9+k3s1
const EMT_SKIP = '3.2'; // v1.34.1+k3s1
const UPDATE_COMMAND = ['/usr/bin/os-update-tool.sh', '-u', '{imageUrl}'];

export function runClusterUpgradeCases({ createStore }: { createStore: () => Promise<Store> }): void {
  let api: ApiHarness;
  const events = new HostEvents();
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    for (const document of [readFormat(`os-profiles/${EMT}.yaml`), readFormat(`os-profiles/${UBUNTU}.yaml`)]) {
      const res = await api.call('POST', `${A}/osprofiles/import`, { body: { document } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const template = await api.call('POST', `${A}/templates`, { body: JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')) });
    expect(template.statusCode, template.body).toBe(201);
    const base = await api.store.osProfiles.get('alpha', { name: EMT, version: EMT_VERSION });
    for (const [version, k3s] of [
      [EMT_NEXT, 'v1.33.5+k3s1'],
      [EMT_OLDER, 'v1.31.9+k3s1'],
      [EMT_SKIP, 'v1.34.1+k3s1'],
    ] as const)
      await api.store.osProfiles.create('alpha', { ...base, version, resourceId: null, kubernetes: { ...base.kubernetes!, version: k3s } });
  });
  afterAll(async () => api?.close());

  const report = (host: Host, manifest: AgentReport['manifest'], cluster: AgentReport['cluster'] = null) =>
    applyAgentReport({ store: api.store, events }, { project: 'alpha', hostId: host.id, report: { manifest, cluster } });
  const image = (name: string, version: string): AgentReport['manifest'] => ({
    image: { name, version, osType: name === EMT ? 'immutable' : 'mutable', architecture: 'x86_64' },
  });
  const ready = (host: Host, name: string, version: string) =>
    report(host, image(name, version), { name: 'mixed', phase: 'ready', message: 'K3s is ready', kubeconfig: HOST_KUBECONFIG });
  /** A host provisioned with `osProfile` (name:version) whose agent reported running it. */
  const provisioned = async (serial: string, osProfile: string): Promise<Host> => {
    const created = await api.call('POST', `${A}/hosts`, { body: { serial } });
    expect(created.statusCode, created.body).toBe(201);
    const host: Host = created.json();
    const res = await api.call('POST', `${A}/hosts/${host.name}/instance`, { body: { osProfile } });
    expect(res.statusCode, res.body).toBe(201);
    await report(host, image(res.json().instance.osProfile, res.json().instance.osProfileVersion));
    return host;
  };
  const desired = async (host: Host) =>
    (
      await loadDesiredState(
        { store: api.store, events, osUpdateCommand: UPDATE_COMMAND },
        { project: 'alpha', hostId: host.id, waitMs: 0 },
      )
    ).action;
  const cluster = async () => (await api.call('GET', `${A}/clusters/mixed`)).json();
  const upgrade = (osProfile: string) => api.call('POST', `${A}/clusters/mixed/upgrade`, { body: { osProfile } });

  let server: Host;
  let emtWorker: Host;
  let ubuntuWorker: Host;

  describe('mixed OS profiles', () => {
    it('clusters an EMT server (air-gapped) with an Ubuntu worker that downloads the same K3s', async () => {
      server = await provisioned('MIX-1', `${EMT}:${EMT_VERSION}`);
      emtWorker = await provisioned('MIX-2', `${EMT}:${EMT_VERSION}`);
      ubuntuWorker = await provisioned('MIX-3', UBUNTU);
      const res = await api.call('POST', `${A}/clusters`, {
        body: {
          name: 'mixed',
          template: 'baseline-k3s:v0.0.4',
          nodes: [
            { host: server.name, role: 'controlplane' },
            { host: emtWorker.name, role: 'worker' },
            { host: ubuntuWorker.name, role: 'worker' },
          ],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().cluster).toMatchObject({ osProfile: EMT, kubernetesVersion: 'v1.32.4+k3s1', airGapped: false });
      expect(await desired(server)).toMatchObject({ kind: 'install', plan: { mode: 'air-gapped', kubernetesVersion: 'v1.32.4+k3s1' } });
      await ready(server, EMT, EMT_VERSION);
      expect(await desired(emtWorker)).toMatchObject({ kind: 'install', plan: { role: 'agent', mode: 'air-gapped' } });
      const download = await desired(ubuntuWorker);
      expect(download).toMatchObject({
        kind: 'install',
        plan: { role: 'agent', mode: 'download', kubernetesVersion: 'v1.32.4+k3s1', download: { version: 'v1.32.4+k3s1' } },
      });
      // Only the server's plan is air-gapped; the cluster records airGapped=false, so no node is warned about it.
      expect(download.kind === 'install' && download.plan.warnings).not.toContainEqual(expect.stringContaining('records airGapped'));
      await ready(emtWorker, EMT, EMT_VERSION);
      await ready(ubuntuWorker, UBUNTU, '0.2.0');
      expect(await cluster()).toMatchObject({ phase: 'ready' });
    });

    it('refuses a host whose image embeds another K3s with 409, naming both versions', async () => {
      const next = await provisioned('MIX-4', `${EMT}:${EMT_NEXT}`);
      const res = await api.call('POST', `${A}/clusters/mixed/nodes`, { body: { nodes: [{ host: next.name }] } });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'Incompatible',
        reason: 'NodeVersionDiffers',
        field: 'nodes/0/host',
        details: { kubernetesVersion: 'v1.33.5+k3s1', clusterVersion: 'v1.32.4+k3s1' },
      });
      expect(res.json().detail).toContain('v1.33.5+k3s1');
      expect(res.json().detail).toContain('v1.32.4+k3s1');
    });

    it('lists the hosts that can join the cluster by the same rule, explaining the others', async () => {
      const free = await provisioned('MIX-6', UBUNTU);
      const res = await api.call('GET', `${A}/hosts?namePrefix=host-mix&eligibleForCluster=mixed&explain=true`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.map((h: Host) => h.name)).toEqual([free.name]);
      const reasons = Object.fromEntries(
        res.json().ineligible.map((i: { host: Host; reason: { code: string } }) => [i.host.name, i.reason.code]),
      );
      expect(reasons).toEqual({
        [server.name]: 'ClusterConflict',
        [emtWorker.name]: 'ClusterConflict',
        [ubuntuWorker.name]: 'ClusterConflict',
        'host-mix-4': 'NodeVersionDiffers',
      });
      const both = await api.call('GET', `${A}/hosts?eligibleFor=baseline-k3s:v0.0.4&eligibleForCluster=mixed`);
      expect(both.json()).toMatchObject({ status: 400, field: 'querystring/eligibleForCluster' });
    });
  });

  describe('rolling upgrade', () => {
    it('refuses a downgrade, a skipped minor and a target without K3s, changing nothing', async () => {
      for (const [target, reason] of [
        [`${EMT}:${EMT_OLDER}`, 'K3sDowngrade'],
        [`${EMT}:${EMT_SKIP}`, 'K3sMinorSkipped'],
        [UBUNTU, 'UpgradeTargetWithoutK3s'],
      ] as const) {
        const res = await upgrade(target);
        expect(res.statusCode, target).toBe(409);
        expect(res.json()).toMatchObject({ code: 'UpgradeRefused', reason, field: 'osProfile' });
      }
      expect((await cluster()).upgrade).toBeUndefined();
    });

    it('of concurrent upgrades, exactly one starts and the others get 409 UpgradeInProgress', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => upgrade(`${EMT}:${EMT_NEXT}`)));
      expect(answers.filter((a) => a.statusCode === 202)).toHaveLength(1);
      const refused = answers.filter((a) => a.statusCode === 409);
      expect(refused).toHaveLength(7);
      expect(refused.every((a) => a.json().reason === 'UpgradeInProgress')).toBe(true);
    });

    it('moves the server first while the others keep running the cluster’s version, and refuses other moves meanwhile', async () => {
      const body = await cluster();
      expect(body.upgrade).toMatchObject({
        osProfile: { name: EMT, version: EMT_NEXT },
        fromVersion: 'v1.32.4+k3s1',
        kubernetesVersion: 'v1.33.5+k3s1',
        state: 'rolling',
        steps: [
          { hostId: server.id, method: 'update-os', state: 'moving' },
          { hostId: emtWorker.id, method: 'update-os', state: 'pending' },
          { hostId: ubuntuWorker.id, method: 'reinstall', state: 'pending' },
        ],
      });
      expect(body.kubernetesVersion).toBe('v1.32.4+k3s1');
      expect(await desired(server)).toMatchObject({ kind: 'update-os', version: EMT_NEXT });
      expect(await desired(emtWorker)).toMatchObject({ kind: 'install', plan: { kubernetesVersion: 'v1.32.4+k3s1' } });
      const instance = await api.store.instances.findByHost('alpha', emtWorker.id);
      const moved = await api.call('PATCH', `${A}/instances/${instance!.id}`, { body: { osProfile: `${EMT}:${EMT_NEXT}` } });
      expect(moved.json()).toMatchObject({ status: 409, code: 'UpgradeRefused', reason: 'UpgradeInProgress' });
      const joining = await provisioned('MIX-5', UBUNTU);
      const added = await api.call('POST', `${A}/clusters/mixed/nodes`, { body: { nodes: [{ host: joining.name }] } });
      expect(added.json()).toMatchObject({ status: 409, reason: 'UpgradeInProgress' });
      const removed = await api.call('DELETE', `${A}/clusters/mixed/nodes/${ubuntuWorker.name}`);
      expect(removed.json()).toMatchObject({ status: 409, reason: 'UpgradeInProgress' });
    });

    it('moves the next node only after the moving one reported the new image and ready again', async () => {
      await report(server, image(EMT, EMT_NEXT));
      expect(await desired(server)).toMatchObject({ kind: 'install', plan: { mode: 'air-gapped', kubernetesVersion: 'v1.33.5+k3s1' } });
      expect((await cluster()).upgrade.steps[1].state).toBe('pending');
      await ready(server, EMT, EMT_NEXT);
      const body = await cluster();
      expect(body.upgrade.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'moving', 'pending']);
      expect(body.kubernetesVersion).toBe('v1.32.4+k3s1');
      expect((await api.store.instances.findByHost('alpha', emtWorker.id))!.osProfileVersion).toBe(EMT_NEXT);
      // A ready report from the old image is not the new one.
      await ready(emtWorker, EMT, EMT_VERSION);
      expect((await cluster()).upgrade.steps[1].state).toBe('moving');
    });

    it('stops at a node that fails, with the node and reason; another target is refused and the same one resumes', async () => {
      await report(emtWorker, image(EMT, EMT_NEXT), { name: 'mixed', phase: 'failed', message: 'k3s agent did not start' });
      const stopped = (await cluster()).upgrade;
      expect(stopped).toMatchObject({
        state: 'failed',
        failure: {
          hostId: emtWorker.id,
          reason: { code: 'UpgradeNodeFailed', message: expect.stringContaining('k3s agent did not start') },
        },
      });
      expect(stopped.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'failed', 'pending']);
      expect(await desired(ubuntuWorker)).toMatchObject({ kind: 'install', plan: { kubernetesVersion: 'v1.32.4+k3s1' } });
      const other = await upgrade(`${EMT}:${EMT_SKIP}`);
      expect(other.json()).toMatchObject({ status: 409, reason: 'UpgradeInProgress' });
      const resumed = await upgrade(`${EMT}:${EMT_NEXT}`);
      expect(resumed.statusCode, resumed.body).toBe(202);
      expect(resumed.json().upgrade.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'moving', 'pending']);
    });

    it('reinstalls a node without embedded K3s with the new version, and moves the cluster’s version with the last node', async () => {
      await ready(emtWorker, EMT, EMT_NEXT);
      expect(await desired(ubuntuWorker)).toMatchObject({
        kind: 'install',
        plan: { mode: 'download', kubernetesVersion: 'v1.33.5+k3s1', download: { version: 'v1.33.5+k3s1' } },
      });
      expect((await cluster()).kubernetesVersion).toBe('v1.32.4+k3s1');
      await ready(ubuntuWorker, UBUNTU, '0.2.0');
      const done = await cluster();
      expect(done).toMatchObject({
        kubernetesVersion: 'v1.33.5+k3s1',
        message: 'upgraded to K3s v1.33.5+k3s1',
        upgrade: { state: 'done', failure: null, finishedAt: expect.any(String) },
      });
      expect(await desired(emtWorker)).toMatchObject({ kind: 'install', plan: { kubernetesVersion: 'v1.33.5+k3s1' } });
    });
  });
}
