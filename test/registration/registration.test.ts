/**
 * Registration jobs through the API with a running worker, per engine: the three steps, each step failing in
 * turn, atomic compensation, retry, idempotent re-registration, dry run, paging and problem documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.ts';
import {
  A,
  EMT,
  UBUNTU,
  createRegistrationHarness,
  stepPath,
  type HostView,
  type JobDocument,
  type RegistrationHarness,
} from './registration-harness.ts';

const FULL = { autoProvision: true, autoCluster: true, osProfile: EMT, template: 'baseline-k3s:v0.0.4' };

describe.each(engines)('registration jobs on $name', ({ createStore }) => {
  let api: RegistrationHarness;
  beforeAll(async () => {
    api = await createRegistrationHarness(await createStore(), { templates: ['baseline-k3s-v0.0.4.json', 'baseline-k3s-v0.0.10.json'] });
  });
  afterAll(async () => api?.close());

  async function run(body: unknown): Promise<JobDocument> {
    const res = await api.register(body);
    expect([201, 202], res.body).toContain(res.statusCode);
    return res.statusCode === 201 ? res.json() : api.waitForJob(res.json().id);
  }

  it('registers a host, provisions it and creates its air-gapped single-node cluster, reporting each step', async () => {
    const res = await api.register({ defaults: FULL, hosts: [{ serial: 'ALL-1', site: 'plant-1', labels: { line: 'a' } }] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe(`${A}/registrations/${res.json().id}`);
    const job = res.json() as JobDocument;
    const [host] = job.hosts as [HostView];
    const [register, instance, cluster] = host.steps;
    const step = (s: typeof register, name: string, resourceId: string) => ({
      step: name,
      status: 'succeeded',
      reason: null,
      resourceId,
      created: true,
      attempts: 1,
      startedAt: s!.startedAt,
      finishedAt: s!.finishedAt,
    });
    expect(job).toEqual({
      id: job.id,
      status: 'succeeded',
      options: { autoProvision: true, autoCluster: true, atomic: false },
      defaults: { osProfile: EMT, template: 'baseline-k3s:v0.0.4' },
      totals: { hosts: 1, pending: 0, running: 0, succeeded: 1, failed: 0 },
      stepTotals: Object.fromEntries(
        ['register-host', 'create-instance', 'create-cluster'].map((s) => [
          s,
          { pending: 0, running: 0, succeeded: 1, failed: 0, skipped: 0, compensated: 0 },
        ]),
      ),
      createdAt: job.createdAt,
      startedAt: host.startedAt,
      finishedAt: host.finishedAt,
      hosts: [
        {
          index: 0,
          name: 'host-all-1',
          uuid: null,
          serial: 'ALL-1',
          status: 'succeeded',
          hostId: register!.resourceId,
          failedStep: null,
          osProfile: EMT,
          template: 'baseline-k3s:v0.0.4',
          cluster: 'host-all-1-cluster',
          steps: [
            step(register, 'register-host', register!.resourceId!),
            step(instance, 'create-instance', instance!.resourceId!),
            step(cluster, 'create-cluster', 'host-all-1-cluster'),
          ],
          startedAt: host.startedAt,
          finishedAt: host.finishedAt,
          updatedAt: host.updatedAt,
        },
      ],
      hostsNextCursor: null,
    });
    expect(Date.parse(register!.finishedAt!)).toBeLessThanOrEqual(Date.parse(instance!.startedAt!));

    const stored = await api.store.hosts.get('alpha', register!.resourceId!);
    expect(stored).toMatchObject({ name: 'host-all-1', serial: 'ALL-1', site: 'plant-1', labels: { line: 'a' } });
    expect(await api.store.instances.findByHost('alpha', stored.id)).toMatchObject({ id: instance!.resourceId, osProfile: EMT });
    expect(await api.store.clusters.get('alpha', 'host-all-1-cluster')).toMatchObject({
      template: { name: 'baseline-k3s', version: 'v0.0.4' },
      flavor: 'k3s',
      kubernetesVersion: 'v1.32.4+k3s1',
      osProfile: EMT,
      nodes: [{ hostId: stored.id, role: 'all' }],
      airGapped: true,
      airGappedOverride: null,
      driver: 'agent',
      phase: 'waiting-for-nodes',
      autoCreated: true,
    });
  });

  it('applies per-host overrides: another OS profile, a named cluster, and decides airGapped from the profile', async () => {
    const job = await run({
      defaults: FULL,
      hosts: [{ serial: 'OVR-1', osProfile: UBUNTU, cluster: { name: 'ubuntu-edge', labels: { tier: 'test' } } }],
    });
    expect(job.status).toBe('succeeded');
    const cluster = await api.store.clusters.get('alpha', 'ubuntu-edge');
    expect(cluster).toMatchObject({
      osProfile: UBUNTU,
      airGapped: false,
      airGappedOverride: { code: 'AirGappedOverridden' },
      labels: { tier: 'test' },
    });
  });

  it('joins hosts with role worker to the named existing cluster, and fails a join to a cluster that does not exist', async () => {
    expect((await run({ defaults: FULL, hosts: [{ serial: 'JOIN-1', cluster: { name: 'plant' } }] })).status).toBe('succeeded');
    const joined = await run({
      defaults: FULL,
      hosts: [
        { serial: 'JOIN-2', cluster: { name: 'plant', role: 'worker' } },
        { serial: 'JOIN-3', cluster: { name: 'plant', role: 'worker' } },
        { serial: 'JOIN-4', cluster: { name: 'nowhere', role: 'worker' } },
      ],
    });
    const [second, third, lost] = joined.hosts as [HostView, HostView, HostView];
    expect(stepPath(second)).toEqual(['register-host:succeeded', 'create-instance:succeeded', 'create-cluster:succeeded']);
    expect(second.steps[2]!.resourceId).toBe('plant');
    const plant = await api.store.clusters.get('alpha', 'plant');
    expect(plant.nodes[0]!.role).toBe('all');
    expect(plant.nodes.slice(1)).toEqual(expect.arrayContaining([second, third].map((h) => ({ hostId: h.hostId, role: 'worker' }))));
    expect(plant.nodes).toHaveLength(3);
    expect(lost.steps[2]).toMatchObject({ status: 'failed', reason: { code: 'NotFound', field: 'hosts/2/cluster' } });
  });

  it('stops a host whose registration conflicts with an existing host, skipping the later steps', async () => {
    const first = await run({ hosts: [{ serial: 'CONF-1', site: 'a' }] });
    const existingId = first.hosts[0]!.hostId!;
    const job = await run({ defaults: FULL, hosts: [{ serial: 'CONF-1', site: 'b' }] });
    const [host] = job.hosts as [HostView];
    expect(job.status).toBe('failed');
    expect(stepPath(host)).toEqual(['register-host:failed', 'create-instance:skipped', 'create-cluster:skipped']);
    expect(host.failedStep).toBe('register-host');
    expect(host.steps[0]!.reason).toEqual({
      code: 'HostConflict',
      message: `host host-conf-1 (id ${existingId}) is already registered with this serial but different data: site "a" ≠ "b"`,
      details: { hostId: existingId, hostName: 'host-conf-1' },
    });
    expect(host.steps[1]!.reason).toEqual({ code: 'PreviousStepFailed', message: 'not run: step register-host failed' });
    expect(await api.store.instances.findByHost('alpha', existingId)).toBeNull();
  });

  it('keeps the registered host when create-instance fails on a missing OS profile', async () => {
    const job = await run({ defaults: { ...FULL, osProfile: 'no-such-profile' }, hosts: [{ serial: 'INST-1' }] });
    const [host] = job.hosts as [HostView];
    expect(stepPath(host)).toEqual(['register-host:succeeded', 'create-instance:failed', 'create-cluster:skipped']);
    expect(host.steps[1]!.reason).toEqual({
      code: 'NotFound',
      message: 'OS profile "no-such-profile" not found; import it, then retry the job',
      field: 'hosts/0/osProfile',
    });
    expect(await api.store.hosts.get('alpha', host.hostId!)).toMatchObject({ serial: 'INST-1' });
  });

  it('fails create-cluster with K3sVersionMismatch before creating anything, keeping host and instance', async () => {
    const job = await run({ defaults: { ...FULL, template: 'baseline-k3s:v0.0.10' }, hosts: [{ serial: 'K3S-1' }] });
    const [host] = job.hosts as [HostView];
    expect(stepPath(host)).toEqual(['register-host:succeeded', 'create-instance:succeeded', 'create-cluster:failed']);
    expect(host.steps[2]!.reason).toMatchObject({
      code: 'K3sVersionMismatch',
      field: 'hosts/0/template',
      details: { templateVersion: 'v1.33.5+k3s1', embeddedVersion: 'v1.32.4+k3s1', osProfile: EMT },
    });
    expect(host.steps[2]!.reason!.message).toContain('v1.33.5+k3s1');
    expect(await api.store.clusters.find('alpha', 'host-k3s-1-cluster')).toBeNull();
    expect(await api.store.clusters.findByHost('alpha', host.hostId!)).toBeNull();
    expect(await api.store.instances.findByHost('alpha', host.hostId!)).not.toBeNull();
  });

  it('in atomic mode undoes the instance, then the host, when the cluster step fails, reporting each undo', async () => {
    const job = await run({
      defaults: { ...FULL, template: 'baseline-k3s:v0.0.10', atomic: true },
      hosts: [{ serial: 'ATOM-1' }, { serial: 'ATOM-2', osProfile: UBUNTU }],
    });
    const [bad, good] = job.hosts as [HostView, HostView];
    expect(stepPath(bad)).toEqual(['register-host:compensated', 'create-instance:compensated', 'create-cluster:failed']);
    const [register, instance] = bad.steps;
    expect(instance!.reason).toEqual({
      code: 'Compensated',
      message: `deleted instance ${instance!.resourceId} (OS profile ${EMT}:3.0.20260602.2200), created by this job`,
    });
    expect(register!.reason).toEqual({
      code: 'Compensated',
      message: `deleted host host-atom-1 (id ${register!.resourceId}), registered by this job`,
    });
    expect(Date.parse(instance!.finishedAt!)).toBeLessThanOrEqual(Date.parse(register!.finishedAt!));
    expect(bad).toMatchObject({ status: 'failed', failedStep: 'create-cluster', hostId: null });
    expect(await api.store.hosts.find('alpha', register!.resourceId!)).toBeNull();
    expect(await api.store.hosts.findByIdentity('alpha', { uuid: null, serial: 'ATOM-1' })).toBeNull();
    // Ubuntu embeds no K3s, so v0.0.10 runs there (download mode): the other host is untouched by the failure.
    expect(good.status).toBe('succeeded');
    expect(job.stepTotals['register-host']).toMatchObject({ succeeded: 1, compensated: 1 });
  });

  it('in atomic mode keeps a host that existed before the job, saying so', async () => {
    await run({ hosts: [{ serial: 'ATOM-KEEP' }] });
    const job = await run({ defaults: { ...FULL, template: 'baseline-k3s:v0.0.10', atomic: true }, hosts: [{ serial: 'ATOM-KEEP' }] });
    const [host] = job.hosts as [HostView];
    expect(stepPath(host)).toEqual(['register-host:compensated', 'create-instance:compensated', 'create-cluster:failed']);
    expect(host.steps[0]!.reason!.message).toBe(`kept host ${host.steps[0]!.resourceId}: it was registered before this job`);
    expect(await api.store.hosts.find('alpha', host.steps[0]!.resourceId!)).not.toBeNull();
  });

  it('retries a failed host from its failed step once the missing template is imported', async () => {
    const job = await run({
      defaults: { ...FULL, osProfile: UBUNTU, template: 'restricted-k3s:v0.0.10' },
      hosts: [{ serial: 'RETRY-1' }, { serial: 'RETRY-2' }],
    });
    expect(job.hosts.map((h) => h.failedStep)).toEqual(['create-cluster', 'create-cluster']);
    expect(job.hosts[0]!.steps[2]!.reason).toMatchObject({
      code: 'NotFound',
      message: 'template "restricted-k3s:v0.0.10" not found; import it, then retry the job',
    });
    await api.importTemplate('restricted-k3s.json');

    const retry = await api.call('POST', `${A}/registrations/${job.id}/retry`);
    expect(retry.statusCode, retry.body).toBe(202);
    const done = await api.waitForJob(job.id);
    expect(done.status).toBe('succeeded');
    for (const host of done.hosts) {
      expect(stepPath(host)).toEqual(['register-host:succeeded', 'create-instance:succeeded', 'create-cluster:succeeded']);
      expect(host.steps.map((s) => s.attempts)).toEqual([1, 1, 2]);
      expect(host.steps[0]!.resourceId).toBe(job.hosts[host.index]!.steps[0]!.resourceId);
    }
    const again = await api.call('POST', `${A}/registrations/${job.id}/retry`);
    expect(again.json().status).toBe('succeeded');
  });

  it('re-registers the same host with the same data as AlreadyRegistered, never a duplicate', async () => {
    const body = {
      defaults: FULL,
      hosts: [{ uuid: '0a0b0c0d-0000-4000-8000-000000000001', serial: 'IDEM-1', site: 's', labels: { k: 'v' } }],
    };
    const first = await run(body);
    const second = await run(body);
    const [host] = second.hosts as [HostView];
    expect(second.status).toBe('succeeded');
    expect(host.steps.map((s) => [s.step, s.status, s.created, s.reason?.code])).toEqual([
      ['register-host', 'succeeded', false, 'AlreadyRegistered'],
      ['create-instance', 'succeeded', false, 'AlreadyProvisioned'],
      ['create-cluster', 'succeeded', false, 'AlreadyInCluster'],
    ]);
    expect(host.steps[0]!.reason!.message).toBe(`already registered: host host-idem-1 (id ${first.hosts[0]!.hostId}) has the same data`);
    expect(host.steps.map((s) => s.resourceId)).toEqual(first.hosts[0]!.steps.map((s) => s.resourceId));
    const hosts = await api.store.hosts.list('alpha', { namePrefix: 'host-idem-1' });
    expect(hosts.items).toHaveLength(1);
  });

  it('fails re-registration with conflicting data, naming the existing host', async () => {
    const first = await run({ hosts: [{ uuid: '0a0b0c0d-0000-4000-8000-000000000002', name: 'idem-two' }] });
    const job = await run({ hosts: [{ uuid: '0a0b0c0d-0000-4000-8000-000000000002', name: 'idem-renamed' }] });
    expect(job.hosts[0]!.steps[0]).toMatchObject({
      status: 'failed',
      reason: { code: 'HostConflict', details: { hostId: first.hosts[0]!.hostId, hostName: 'idem-two' } },
    });
    expect(job.hosts[0]!.steps[0]!.reason!.message).toContain('name "idem-two" ≠ "idem-renamed"');
  });

  it('fails a host whose name another host has', async () => {
    await run({ hosts: [{ serial: 'NAME-1', name: 'taken-name' }] });
    const job = await run({ hosts: [{ serial: 'NAME-2', name: 'taken-name' }] });
    expect(job.hosts[0]!.steps[0]!.reason).toMatchObject({ code: 'HostConflict', details: { hostName: 'taken-name' } });
  });

  it('checks a dry run against the inventory and writes nothing, not even a job', async () => {
    await run({
      hosts: [
        { serial: 'DRY-EXISTS', site: 'x' },
        { serial: 'DRY-CONFLICT', site: 'x' },
      ],
    });
    const jobsBefore = (await api.call('GET', `${A}/registrations?limit=500`)).json().items.length;
    const hostsBefore = (await api.store.hosts.list('alpha', {}, { limit: 500 })).items.length;
    const res = await api.register({
      dryRun: true,
      defaults: FULL,
      hosts: [
        { serial: 'DRY-NEW' },
        { serial: 'DRY-EXISTS', site: 'x' },
        { serial: 'DRY-CONFLICT', site: 'y' },
        { serial: 'DRY-BAD', template: 'baseline-k3s:v0.0.10' },
        { serial: 'DRY-NEW' },
        { serial: 'DRY-P', osProfile: 'missing-profile' },
        { uuid: 'nope' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: true, valid: false, totals: { hosts: 7, succeeded: 2, failed: 5 } });
    const summary = body.hosts.map(
      (h: { failedStep: string | null; reason: { code: string; field?: string } | null; steps: { status: string }[] }) => [
        h.failedStep,
        h.reason?.code ?? null,
        h.reason?.field ?? null,
        h.steps.map((s) => s.status).join(','),
      ],
    );
    expect(summary).toEqual([
      [null, null, null, 'succeeded,succeeded,succeeded'],
      [null, null, null, 'succeeded,succeeded,succeeded'],
      ['register-host', 'HostConflict', null, 'failed,skipped,skipped'],
      ['create-cluster', 'K3sVersionMismatch', 'hosts/3/template', 'succeeded,succeeded,failed'],
      ['register-host', 'DuplicateInRequest', 'hosts/4/serial', 'failed,skipped,skipped'],
      ['create-instance', 'NotFound', 'hosts/5/osProfile', 'succeeded,failed,skipped'],
      ['register-host', 'InvalidField', 'hosts/6/uuid', 'failed,skipped,skipped'],
    ]);
    expect(body.hosts[1].steps[0]).toMatchObject({ status: 'succeeded', reason: { code: 'AlreadyRegistered' } });
    expect((await api.call('GET', `${A}/registrations?limit=500`)).json().items).toHaveLength(jobsBefore);
    expect((await api.store.hosts.list('alpha', {}, { limit: 500 })).items).toHaveLength(hostsBefore);
  });

  it("pages a job's hosts by status with a cursor, and lists jobs newest first", async () => {
    const hosts = Array.from({ length: 7 }, (_, i) => ({ serial: `PAGE-${i}`, ...(i % 2 ? { osProfile: 'missing-profile' } : {}) }));
    const res = await api.register({ defaults: { autoProvision: true, osProfile: UBUNTU }, hosts }, { query: '?wait=0' });
    expect(res.statusCode, res.body).toBe(202);
    const job = await api.waitForJob(res.json().id);
    expect(job.totals).toEqual({ hosts: 7, pending: 0, running: 0, succeeded: 4, failed: 3 });
    const failed: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.call('GET', `${A}/registrations/${job.id}/hosts?status=failed&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      failed.push(...page.json().items.map((h: HostView) => h.index));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(failed).toEqual([1, 3, 5]);

    const list = await api.call('GET', `${A}/registrations?limit=1`);
    expect(list.json().items.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const next = await api.call('GET', `${A}/registrations?limit=1&cursor=${list.json().nextCursor}`);
    expect(next.json().items[0].id).not.toBe(job.id);
    expect(next.json().items[0].createdAt <= list.json().items[0].createdAt).toBe(true);
  });

  it("answers 404 for an unknown job and for another project's job", async () => {
    const job = await run({ hosts: [{ serial: 'PROJ-1' }] });
    expect((await api.call('GET', `${A}/registrations/nope`)).json()).toMatchObject({ status: 404, code: 'NotFound' });
    const beta = await api.call('GET', `/api/v1/projects/beta/registrations/${job.id}`, { token: await api.token('beta', 'admin') });
    expect(beta.statusCode).toBe(404);
  });

  describe('problem documents', () => {
    it('refuses autoCluster without autoProvision, naming both fields', async () => {
      const res = await api.register({ defaults: { autoCluster: true, template: 'baseline-k3s:v0.0.4' }, hosts: [{ serial: 'P-1' }] });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toEqual({
        type: 'https://edge-orch.dev/problems/InvalidField',
        title: 'A field has an invalid value',
        status: 400,
        code: 'InvalidField',
        instance: `${A}/registrations`,
        field: 'defaults/autoCluster',
        detail:
          'defaults/autoCluster needs defaults/autoProvision: a cluster runs on a provisioned instance; set defaults/autoProvision to true or defaults/autoCluster to false',
        errors: [
          { field: 'defaults/autoCluster', message: 'is true but defaults/autoProvision is not' },
          { field: 'defaults/autoProvision', message: 'must be true when defaults/autoCluster is true' },
        ],
      });
    });

    it('names hosts/3/uuid for a bad fourth host and creates no job', async () => {
      const before = (await api.call('GET', `${A}/registrations?limit=500`)).json().items.length;
      const res = await api.register({ hosts: [{ serial: 'B-0' }, { serial: 'B-1' }, { serial: 'B-2' }, { uuid: 'not-a-uuid' }] });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        type: 'https://edge-orch.dev/problems/InvalidField',
        title: 'A field has an invalid value',
        status: 400,
        code: 'InvalidField',
        instance: `${A}/registrations`,
        field: 'hosts/3/uuid',
        detail: 'hosts/3/uuid "not-a-uuid" is not a UUID; expected 8-4-4-4-12 hex digits',
        errors: [{ field: 'hosts/3/uuid', message: 'hosts/3/uuid "not-a-uuid" is not a UUID; expected 8-4-4-4-12 hex digits', host: 3 }],
      });
      expect((await api.call('GET', `${A}/registrations?limit=500`)).json().items).toHaveLength(before);
    });

    it('refuses duplicates inside a real request, naming the later host', async () => {
      const res = await api.register({ hosts: [{ serial: 'D-1' }, { serial: 'D-1' }] });
      expect(res.json()).toMatchObject({ status: 400, field: 'hosts/1/serial', detail: 'hosts/1/serial "D-1" duplicates hosts/0/serial' });
    });

    it('lets an onboarding manager register hosts but not create clusters, naming clusters:write', async () => {
      const token = await api.token('alpha', 'onboarding-manager');
      const ok = await api.register({ defaults: { autoProvision: true, osProfile: UBUNTU }, hosts: [{ serial: 'ROLE-1' }] }, { token });
      expect(ok.statusCode, ok.body).toBe(201);
      const res = await api.register({ defaults: FULL, hosts: [{ serial: 'ROLE-2' }] }, { token });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        code: 'Forbidden',
        reason: 'RoleNotAllowed',
        field: 'defaults/autoCluster',
        missingPermission: 'clusters:write',
      });
      expect(res.json().detail).toContain('needs clusters:write');
    });
  });
});
