/**
 * The capi driver end to end on each engine: a project names a management cluster (the Kubernetes test server),
 * its clusters are applied there with server-side apply and followed by watch as the server's conditions change,
 * deleted with foreground deletion (force: orphaned), and each failure gives the cluster a structured reason.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapiDriver, type CapiDriver } from '../../src/capi/capi-driver.ts';
import type { Cluster } from '../../src/domain/inventory/cluster.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { engines } from '../support/engines.ts';
import { startKubeTestServer, type KubeTestServer } from '../support/kube-test-server.ts';
import { decideCluster, EMT_PROFILE, templateFile, UBUNTU_PROFILE } from './capi-cases.ts';

const EMT_TEMPLATE = templateFile('baseline-k3s-v0.0.4.json');
const DOWNLOAD_TEMPLATE = templateFile('baseline-k3s-v0.0.10.json');

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `read` gives a value `accept` takes (the driver works asynchronously); fails after `ms`. */
async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${ms} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(engines)('the capi cluster driver on $name', (engine) => {
  let kube: KubeTestServer;
  let api: ApiHarness;
  let driver: CapiDriver;
  const warnings: string[] = [];

  beforeAll(async () => {
    kube = await startKubeTestServer();
    const store = await engine.createStore();
    driver = createCapiDriver({ store, log: { warn: (_d, message) => warnings.push(message) }, sweepMs: 600_000 });
    api = await createApiHarness(store, { clusterDriver: driver });
  });
  afterAll(async () => {
    await driver?.stop();
    await api?.close();
    await kube?.close();
  });

  /** A project with the templates, a host per node and (unless `kubeconfig` is null) a management cluster in namespace = project. */
  async function project(name: string, kubeconfig: string | null = kube.kubeconfig): Promise<void> {
    await api.store.projects.ensure(name);
    await api.store.templates.create(name, EMT_TEMPLATE);
    await api.store.templates.create(name, DOWNLOAD_TEMPLATE);
    if (kubeconfig !== null) {
      const admin = await api.token(name, 'admin');
      const put = await api.call('PUT', `/api/v1/projects/${name}/management-cluster`, {
        token: admin,
        body: { kubeconfig, namespace: name },
      });
      expect(put.statusCode, put.body).toBe(200);
    }
  }

  async function createCluster(projectName: string, clusterName: string, emt: boolean): Promise<Cluster> {
    const host = await api.store.hosts.register(projectName, {
      name: `${clusterName}-host`,
      uuid: null,
      serial: null,
      site: null,
      labels: {},
    });
    const value = emt
      ? decideCluster(clusterName, EMT_TEMPLATE, EMT_PROFILE, [{ hostId: host.id, role: 'all' }])
      : decideCluster(clusterName, DOWNLOAD_TEMPLATE, UBUNTU_PROFILE, [{ hostId: host.id, role: 'all' }]);
    const cluster = await api.store.clusters.create(projectName, value);
    await driver.sweep();
    return cluster;
  }

  const phaseOf = (p: string, name: string) => api.store.clusters.find(p, name);

  it('keeps the management cluster kubeconfig sealed and never gives it back', async () => {
    await project('alpha');
    const got = await api.call('GET', '/api/v1/projects/alpha/management-cluster');
    expect(got.json()).toEqual({
      clusterDriver: 'agent',
      managementCluster: { server: kube.url, namespace: 'alpha', updatedAt: expect.any(String) },
    });
    expect(got.body).not.toContain('token');
    const driverSet = await api.call('PUT', '/api/v1/projects/alpha/cluster-driver', { body: { clusterDriver: 'capi' } });
    expect(driverSet.json()).toMatchObject({ clusterDriver: 'capi' });
    const exec = kube.kubeconfig.replace(/ {2}user:\n {4}token: \w+/, '  user:\n    exec:\n      command: /bin/sh');
    const refused = await api.call('PUT', '/api/v1/projects/alpha/management-cluster', { body: { kubeconfig: exec } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().field).toBe('kubeconfig/users/0/user');
    const removed = await api.call('DELETE', '/api/v1/projects/alpha/management-cluster');
    expect(removed.statusCode).toBe(409);
  });

  it('applies an EMT cluster with airGapped true and follows it pending → provisioning → ready', async () => {
    await createCluster('alpha', 'emt-edge', true);
    const applied = await eventually(
      () => kube.get('Cluster', 'alpha', 'emt-edge'),
      (o) => o !== undefined,
    );
    expect(applied!['spec'].topology).toMatchObject({
      class: 'baseline-k3s-v0.0.4',
      version: 'v1.32.4+k3s1',
      variables: [{ name: 'airGapped', value: true }],
    });
    expect(applied!['metadata'].managedFields.map((f: { manager: string }) => f.manager)).toEqual(['edge-orch']);
    expect(kube.get('ClusterClass', 'alpha', 'baseline-k3s-v0.0.4')!['spec'].variables[0].name).toBe('airGapped');
    expect(kube.get('KThreesControlPlaneTemplate', 'alpha', 'baseline-k3s-v0.0.4')).toBeDefined();
    await eventually(
      () => phaseOf('alpha', 'emt-edge'),
      (c) => c?.phase === 'waiting-for-nodes' && c.message.startsWith('applied'),
    );

    kube.setStatus('Cluster', 'alpha', 'emt-edge', {
      phase: 'Provisioning',
      conditions: [
        { type: 'InfrastructureReady', status: 'True' },
        { type: 'Ready', status: 'False', severity: 'Info', reason: 'WaitingForControlPlane', message: '0 of 1 machines ready' },
      ],
    });
    const provisioning = await eventually(
      () => phaseOf('alpha', 'emt-edge'),
      (c) => c?.phase === 'provisioning',
    );
    expect(provisioning!.message).toBe(
      'Cluster API is provisioning the cluster; Ready is False (WaitingForControlPlane): 0 of 1 machines ready',
    );

    // The watch ends and its version is no longer kept: the driver lists again (410) and still sees the change.
    const goneBefore = kube.goneAnswers;
    kube.compact();
    kube.endWatches();
    kube.setStatus('Cluster', 'alpha', 'emt-edge', { phase: 'Provisioned', conditions: [{ type: 'Ready', status: 'True' }] });
    await eventually(
      () => phaseOf('alpha', 'emt-edge'),
      (c) => c?.phase === 'ready',
    );
    expect(kube.goneAnswers).toBeGreaterThan(goneBefore);
  });

  it('applies an Ubuntu cluster with airGapped false, and renders through the API what it applied', async () => {
    await createCluster('alpha', 'ubuntu-edge', false);
    const applied = await eventually(
      () => kube.get('Cluster', 'alpha', 'ubuntu-edge'),
      (o) => o !== undefined,
    );
    expect(applied!['spec'].topology.variables).toEqual([{ name: 'airGapped', value: false }]);
    const rendered = await api.call('GET', '/api/v1/projects/alpha/clusters/ubuntu-edge/capi');
    expect(rendered.statusCode).toBe(200);
    const objects = rendered.json().items;
    expect(objects.at(-1).spec).toEqual(applied!['spec']);
    const template = await api.call('GET', '/api/v1/projects/alpha/templates/baseline-k3s/versions/v0.0.10/capi');
    expect(template.json().items.map((o: { kind: string }) => o.kind)).toContain('ClusterClass');
  });

  it('deletes a cluster with foreground deletion, waiting for the finalizers, then removes it', async () => {
    kube.setFinalizers('Cluster', 'alpha', 'emt-edge', ['cluster.cluster.x-k8s.io']);
    const deleting = await api.call('DELETE', '/api/v1/projects/alpha/clusters/emt-edge');
    expect(deleting.statusCode).toBe(202);
    expect(deleting.json().phase).toBe('deleting');
    await eventually(
      () => kube.get('Cluster', 'alpha', 'emt-edge')?.['metadata'].deletionTimestamp,
      (t) => t !== undefined,
    );
    expect(kube.deletions).toContainEqual({ kind: 'Cluster', name: 'emt-edge', propagationPolicy: 'Foreground' });
    expect((await phaseOf('alpha', 'emt-edge'))?.phase).toBe('deleting');
    kube.setFinalizers('Cluster', 'alpha', 'emt-edge', []);
    await eventually(
      () => phaseOf('alpha', 'emt-edge'),
      (c) => c === null,
    );
    expect(kube.get('Cluster', 'alpha', 'emt-edge')).toBeUndefined();
  });

  it('deletes the Cluster of a cluster put in deleting elsewhere (its last host deauthorized)', async () => {
    await createCluster('alpha', 'leaving', true);
    await eventually(
      () => phaseOf('alpha', 'leaving'),
      (c) => c?.message.startsWith('applied') === true,
    );
    await api.store.clusters.update('alpha', 'leaving', { phase: 'deleting', message: 'host leaving-host was deauthorized' });
    await driver.sweep();
    await eventually(
      () => phaseOf('alpha', 'leaving'),
      (c) => c === null,
    );
    expect(kube.deletions).toContainEqual({ kind: 'Cluster', name: 'leaving', propagationPolicy: 'Foreground' });
    expect(kube.get('Cluster', 'alpha', 'leaving')).toBeUndefined();
  });

  it('force-deletes a cluster at once, orphaning its Cluster API objects', async () => {
    const forced = await api.call('DELETE', '/api/v1/projects/alpha/clusters/ubuntu-edge?force=true');
    expect(forced.statusCode).toBe(204);
    expect(await phaseOf('alpha', 'ubuntu-edge')).toBeNull();
    expect(kube.deletions).toContainEqual({ kind: 'Cluster', name: 'ubuntu-edge', propagationPolicy: 'Orphan' });
  });

  describe('failures become a structured reason on the cluster, never a stack', () => {
    const failed = async (p: string, name: string) => {
      const cluster = await eventually(
        () => phaseOf(p, name),
        (c) => c?.phase === 'failed',
      );
      expect(cluster!.message).not.toMatch(/\n\s+at /);
      expect(cluster!.reason!.message).toBe(cluster!.message);
      return cluster!;
    };

    it('a project without a management cluster', async () => {
      await project('unset', null);
      await createCluster('unset', 'lonely', true);
      expect((await failed('unset', 'lonely')).reason!.code).toBe('ManagementClusterNotSet');
    });

    it('an unreachable management cluster', async () => {
      const closed = await closedPort();
      await project('away', kube.kubeconfig.replace(kube.url, `https://127.0.0.1:${closed}`));
      await createCluster('away', 'far', true);
      const cluster = await failed('away', 'far');
      expect(cluster.reason).toEqual({
        code: 'ManagementClusterUnreachable',
        message: `the management cluster https://127.0.0.1:${closed} refused the connection (ECONNREFUSED)`,
      });
    });

    it('a missing CRD, and one too old, checked before anything is applied', async () => {
      await project('crds');
      kube.serveGroup('controlplane.cluster.x-k8s.io', null);
      await createCluster('crds', 'missing', true);
      const missing = await failed('crds', 'missing');
      expect(missing.reason!.code).toBe('CapiCrdMissing');
      expect(missing.message).toContain('controlplane.cluster.x-k8s.io');
      kube.serveGroup('controlplane.cluster.x-k8s.io', ['v1beta1']);
      await createCluster('crds', 'old', true);
      const old = await failed('crds', 'old');
      expect(old.reason!.code).toBe('CapiCrdTooOld');
      expect(old.message).toContain('serves controlplane.cluster.x-k8s.io versions v1beta1 but not v1beta2');
      kube.serveGroup('controlplane.cluster.x-k8s.io', ['v1beta1', 'v1beta2']);
      expect(kube.list().filter((o) => o['metadata'].namespace === 'crds')).toEqual([]);
    });

    it('a field owned by another field manager', async () => {
      await project('shared');
      kube.applyAs('someone-else', {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'Cluster',
        metadata: { name: 'contested', namespace: 'shared' },
        spec: { topology: { class: 'baseline-k3s-v0.0.4', version: 'v1.31.0+k3s1' } },
      });
      await createCluster('shared', 'contested', true);
      const cluster = await failed('shared', 'contested');
      expect(cluster.reason!.code).toBe('CapiFieldConflict');
      expect(cluster.message).toContain('conflict with "someone-else": .spec.topology.version');
      expect(kube.get('Cluster', 'shared', 'contested')!['spec'].topology.version).toBe('v1.31.0+k3s1');
    });
  });
});
