/**
 * The API suite, written once and run per engine (test/api/api.test.ts). User stories through
 * app.inject(), asserting whole bodies, problem documents included (STYLE T3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { osProfileFiles, readFormat, templateFiles } from '../support/formats.ts';

const A = '/api/v1/projects/alpha';
const B = '/api/v1/projects/beta';

export function runApiCases({ createStore }: { createStore: () => Promise<Store> }): void {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    for (const file of osProfileFiles()) {
      const res = await api.call('POST', `${A}/osprofiles/import`, { body: { document: readFormat(file) } });
      expect(res.statusCode, res.body).toBe(201);
    }
    for (const file of templateFiles()) {
      const res = await api.call('POST', `${A}/templates`, { body: JSON.parse(readFormat(file)) });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => api?.close());

  describe('OS profiles', () => {
    it('imports the infra-core EMT profile with its embedded K3s at EMT paths', async () => {
      const res = await api.call('GET', `${A}/osprofiles/microvisor-nonrt`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        name: 'microvisor-nonrt',
        displayName: 'Edge Microvisor Toolkit 3.0.20260602',
        version: '3.0.20260602.2200',
        osType: 'immutable',
        architecture: 'x86_64',
        imageUrl: 'files-edge-orch/repository/microvisor/non_rt/edge-readonly-3.0.20260602.2200-prod-signed.raw.gz',
        imageSha256: '6f7aef82c1aae6c914a9f173a6be91b0a222027937f5afcc87c2b12a9d71c056',
        description: 'Edge Microvisor Toolkit for x86_64 architecture',
        packages: [],
        kubernetes: {
          flavor: 'k3s',
          version: 'v1.32.4+k3s1',
          binaryPath: '/usr/local/bin/k3s',
          installScriptPath: '/opt/install.sh',
          airgapImages: [],
        },
        source: 'infra-core',
        resourceId: expect.stringMatching(/^os-[0-9a-f]{8}$/),
        securityFeature: 'SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION',
        provider: 'OS_PROVIDER_KIND_INFRA',
        platformBundle: null,
        unusedFields: {
          appVersion: 'apps/v1',
          metadata: { release: '0.0.0-dev' },
          spec: {
            osPackageManifestURL: 'files-edge-orch/repository/microvisor/non_rt/edge-readonly-3.0.20260602.2200_pkg_manifest.json',
            osExistingCvesURL: 'files-edge-orch/microvisor/iso/EdgeMicrovisorToolkit-25.06.2_cve.json',
            osFixedCvesURL: 'files-edge-orch/microvisor/iso/EdgeMicrovisorToolkit-25.06.2_fixed_cves.json',
          },
        },
      });
    });

    it('refuses a second profile with the same name, naming it', async () => {
      const res = await api.call('POST', `${A}/osprofiles/import`, {
        body: { document: readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml') },
      });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 409, code: 'AlreadyExists', type: 'https://edge-orch.dev/problems/AlreadyExists' });
      expect(res.json().detail).toContain('ubuntu-22.04-lts-generic');
    });

    it('rejects a document that is neither a manifest nor a profile, with a precise problem', async () => {
      const res = await api.call('POST', `${A}/osprofiles/import`, { body: { document: 'just: [a, list' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'MalformedDocument', status: 400, instance: `${A}/osprofiles/import` });
    });

    it('names the manifest field that holds a malformed Kubernetes version', async () => {
      const manifest = {
        Repo: [],
        image: { name: 'emt-bad', version: '1', osType: 'immutable', architecture: 'x86_64' },
        kubernetes: { version: '1.32.4' },
      };
      const res = await api.call('POST', `${A}/osprofiles/import`, { body: { document: JSON.stringify(manifest) } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'InvalidField', field: 'kubernetes/version' });
      expect(res.json().detail).toContain('v1.32.4+k3s1');
    });

    it('answers 404 as a problem for an unknown profile', async () => {
      const res = await api.call('GET', `${A}/osprofiles/nope`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NotFound', status: 404 });
    });
  });

  describe('templates', () => {
    it('lists every shared template, imported unchanged, with its flavor', async () => {
      const res = await api.call('GET', `${A}/templates`);
      const rows = res
        .json()
        .items.map((t: { name: string; version: string; flavor: string }) => `${t.name}:${t.version}:${t.flavor}`)
        .sort();
      expect(rows).toEqual([
        'baseline-k3s:v0.0.10:k3s',
        'baseline-k3s:v0.0.4:k3s',
        'baseline:v2.0.2:rke2',
        'privileged-k3s:v0.0.10:k3s',
        'restricted-k3s:v0.0.10:k3s',
      ]);
    });

    it('filters by flavor and Kubernetes version', async () => {
      const rke2 = await api.call('GET', `${A}/templates?flavor=rke2`);
      expect(rke2.json().items.map((t: { name: string }) => t.name)).toEqual(['baseline']);
      const v = await api.call('GET', `${A}/templates?kubernetesVersion=${encodeURIComponent('v1.32.4+k3s1')}`);
      expect(v.json().items.map((t: { version: string }) => t.version)).toEqual(['v0.0.4']);
    });

    it('offers only templates compatible with the EMT profile and explains the excluded ones', async () => {
      const res = await api.call('GET', `${A}/templates?compatibleWithOsProfile=microvisor-nonrt&explain=true`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const items = body.items.map((t: { name: string; version: string; compatibility: { airGapped: boolean } }) => [
        `${t.name}:${t.version}`,
        t.compatibility.airGapped,
      ]);
      expect(items.sort()).toEqual([['baseline-k3s:v0.0.4', true]]);
      const v10 = body.excluded.find((e: { name: string; version: string }) => e.name === 'baseline-k3s' && e.version === 'v0.0.10');
      expect(v10.reason.code).toBe('K3sVersionMismatch');
      expect(v10.reason.message).toContain('v1.33.5+k3s1');
      expect(v10.reason.message).toContain('v1.32.4+k3s1');
      expect(body.excluded).toHaveLength(4);
    });

    it('without explain, returns only the compatible templates', async () => {
      const res = await api.call('GET', `${A}/templates?compatibleWithOsProfile=microvisor-nonrt`);
      expect(res.json().excluded).toBeUndefined();
      expect(res.json().items).toHaveLength(1);
    });

    it('lists the RKE2 template as not installable with the reason, and never offers it for a profile', async () => {
      const listed = (await api.call('GET', `${A}/templates?flavor=rke2`)).json().items;
      expect(
        listed.map((t: { name: string; installable: boolean; installableReason: unknown }) => [t.name, t.installable, t.installableReason]),
      ).toEqual([
        [
          'baseline',
          false,
          {
            code: 'FlavorNotInstallable',
            message: 'template baseline:v2.0.2 is RKE2 v1.30.10+rke2r1; the agent installs K3s only, so it cannot run on any host',
            details: { flavor: 'rke2', templateVersion: 'v1.30.10+rke2r1' },
          },
        ],
      ]);
      const k3s = (await api.call('GET', `${A}/templates?name=baseline-k3s`)).json().items;
      expect(k3s.map((t: { installable: boolean; installableReason?: unknown }) => [t.installable, t.installableReason])).toEqual([
        [true, undefined],
        [true, undefined],
      ]);
      const onUbuntu = (
        await api.call('GET', `${A}/templates?compatibleWithOsProfile=ubuntu-22.04-lts-generic&flavor=rke2&explain=true`)
      ).json();
      expect(onUbuntu.items).toEqual([]);
      expect(onUbuntu.excluded.map((e: { reason: { code: string } }) => e.reason.code)).toEqual(['FlavorNotInstallable']);
    });

    it('shows why the OS profile overrides a template that hard-codes airGapped', async () => {
      const res = await api.call('GET', `${A}/templates?compatibleWithOsProfile=ubuntu-22.04-lts-generic&name=baseline-k3s`);
      expect(res.statusCode, res.body).toBe(200);
      const v004 = res.json().items.find((t: { version: string }) => t.version === 'v0.0.4');
      expect(v004.compatibility).toEqual({
        osProfile: 'ubuntu-22.04-lts-generic',
        osProfileVersion: '22.04.5',
        kubernetesVersion: 'v1.32.4+k3s1',
        compatible: true,
        airGapped: false,
        basis: 'NoEmbeddedK3s',
        override: {
          code: 'AirGappedOverridden',
          message:
            'template sets agentConfig.airGapped=true; the OS profile decides airGapped=false (the image embeds no K3s, so it is downloaded)',
          details: { templateValue: 'true', decided: 'false' },
        },
      });
    });

    it('answers 404 naming an unknown OS profile in the compatibility filter', async () => {
      const res = await api.call('GET', `${A}/templates?compatibleWithOsProfile=missing`);
      expect(res.statusCode).toBe(404);
      expect(res.json().detail).toContain('missing');
    });

    it('refuses a template version that exists already (versions are immutable)', async () => {
      const res = await api.call('POST', `${A}/templates`, { body: JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')) });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('AlreadyExists');
    });

    it('names the field of a template whose version does not match its flavor', async () => {
      const doc = {
        ...JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')),
        version: 'v9.9.9',
        kubernetesVersion: 'v1.30.10+rke2r1',
      };
      const res = await api.call('POST', `${A}/templates`, { body: doc });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'InvalidField', field: 'kubernetesVersion' });
    });

    it('gets, then deletes a template version, and refuses to delete one a cluster uses', async () => {
      await api.store.hosts.register('alpha', { name: 'tpl-host', uuid: null, serial: 'TPL-1', site: null, labels: {} });
      const host = (await api.store.hosts.list('alpha', { namePrefix: 'tpl-host' })).items[0]!;
      await api.store.clusters.create('alpha', {
        name: 'uses-restricted',
        template: { name: 'restricted-k3s', version: 'v0.0.10' },
        flavor: 'k3s',
        kubernetesVersion: 'v1.33.5+k3s1',
        osProfile: 'ubuntu-22.04-lts-generic',
        nodes: [{ hostId: host.id, role: 'all' }],
        airGapped: false,
        airGappedOverride: null,
        driver: 'agent',
        phase: 'waiting-for-nodes',
        message: '',
        labels: {},
        autoCreated: false,
        deletionPolicy: 'delete',
      });
      const inUse = await api.call('DELETE', `${A}/templates/restricted-k3s/versions/v0.0.10`);
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json().code).toBe('InUse');
      expect((await api.call('GET', `${A}/templates/privileged-k3s/versions/v0.0.10`)).statusCode).toBe(200);
      expect((await api.call('DELETE', `${A}/templates/privileged-k3s/versions/v0.0.10`)).statusCode).toBe(204);
      expect((await api.call('GET', `${A}/templates/privileged-k3s/versions/v0.0.10`)).statusCode).toBe(404);
    });
  });

  describe('hosts', () => {
    it('registers a host and returns it whole', async () => {
      const res = await api.call('POST', `${A}/hosts`, {
        body: { uuid: '4C4C4544-0000-1111-2222-333344445555', serial: 'SN-100', site: 'store-1', labels: { zone: 'a' } },
      });
      expect(res.statusCode).toBe(201);
      const host = res.json();
      expect(host).toEqual({
        id: host.id,
        name: 'host-sn-100',
        uuid: '4c4c4544-0000-1111-2222-333344445555',
        serial: 'SN-100',
        site: 'store-1',
        labels: { zone: 'a' },
        state: 'registered',
        autoOnboard: null,
        createdAt: host.createdAt,
        updatedAt: host.updatedAt,
      });
      expect((await api.call('GET', `${A}/hosts/host-sn-100`)).json().id).toBe(host.id);
      expect((await api.call('GET', `${A}/hosts/${host.id}`)).json().name).toBe('host-sn-100');
    });

    it('refuses the same uuid or serial twice, naming the existing host', async () => {
      const sameSerial = await api.call('POST', `${A}/hosts`, { body: { serial: 'SN-100', name: 'other' } });
      expect(sameSerial.statusCode).toBe(409);
      expect(sameSerial.json().code).toBe('AlreadyExists');
      expect(sameSerial.json().detail).toContain('host-sn-100');
      const sameUuid = await api.call('POST', `${A}/hosts`, { body: { uuid: '4c4c4544-0000-1111-2222-333344445555', name: 'other2' } });
      expect(sameUuid.statusCode).toBe(409);
      expect(sameUuid.json().detail).toContain('host-sn-100');
    });

    it('names the field of a bad registration', async () => {
      const badUuid = await api.call('POST', `${A}/hosts`, { body: { uuid: 'not-a-uuid' } });
      expect(badUuid.statusCode).toBe(400);
      expect(badUuid.json()).toMatchObject({ code: 'InvalidField', field: 'uuid' });
      const none = await api.call('POST', `${A}/hosts`, { body: { name: 'x' } });
      expect(none.json()).toMatchObject({ code: 'InvalidField', field: 'uuid' });
      const unknown = await api.call('POST', `${A}/hosts`, { body: { serial: 'S-1', uid: 'typo' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json()).toMatchObject({ code: 'InvalidField', field: 'body/uid' });
    });

    it('pages through hosts with a cursor, without gaps or repeats, and filters', async () => {
      for (let i = 0; i < 25; i++) {
        const res = await api.call('POST', `${A}/hosts`, {
          body: { serial: `PG-${String(i).padStart(3, '0')}`, site: i % 2 ? 'odd' : 'even', labels: { batch: 'paging' } },
        });
        expect(res.statusCode).toBe(201);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await api.call('GET', `${A}/hosts?label=batch=paging&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        seen.push(...res.json().items.map((h: { serial: string }) => h.serial));
        cursor = res.json().nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      const odd = await api.call('GET', `${A}/hosts?site=odd&label=batch=paging`);
      expect(odd.json().items).toHaveLength(12);
      const bad = await api.call('GET', `${A}/hosts?cursor=!!!`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().field).toMatch(/cursor/);
    });

    it('updates labels and site, deauthorizes, and deletes a host', async () => {
      const patched = await api.call('PATCH', `${A}/hosts/host-sn-100`, { body: { site: 'store-2', labels: { zone: 'b' } } });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ site: 'store-2', labels: { zone: 'b' } });
      const deauth = await api.call('POST', `${A}/hosts/host-sn-100/deauthorize`);
      expect(deauth.json().state).toBe('deauthorized');
      expect((await api.call('GET', `${A}/hosts?state=deauthorized`)).json().items.map((h: { name: string }) => h.name)).toContain(
        'host-sn-100',
      );
      expect((await api.call('DELETE', `${A}/hosts/host-sn-100`)).statusCode).toBe(204);
      expect((await api.call('GET', `${A}/hosts/host-sn-100`)).statusCode).toBe(404);
    });

    it('finds a host by its exact name among more than a page of hosts named after it, and filters them by prefix', async () => {
      const registration = (name: string) => ({ name, uuid: null, serial: name.toUpperCase(), site: null, labels: {} });
      await api.store.transaction(async (store) => {
        await store.hosts.register('alpha', registration('web'));
        for (let i = 0; i < 501; i++) await store.hosts.register('alpha', registration(`web-${String(i).padStart(3, '0')}`));
        await store.hosts.register('alpha', registration('wec'));
      });
      const web = await api.call('GET', `${A}/hosts/web`);
      expect(web.statusCode, web.body).toBe(200);
      expect(web.json().name).toBe('web');
      const first = await api.call('GET', `${A}/hosts?namePrefix=web-&limit=500`);
      expect(first.json().items).toHaveLength(500);
      const rest = await api.call('GET', `${A}/hosts?namePrefix=web-&limit=500&cursor=${first.json().nextCursor}`);
      expect(rest.json()).toEqual({ items: [expect.objectContaining({ name: 'web-500' })], nextCursor: null });
      const byPrefix = await api.call('GET', `${A}/hosts?namePrefix=web&limit=500`);
      expect(byPrefix.json().items.map((h: { name: string }) => h.name)).toContain('web');
      expect(byPrefix.json().items.map((h: { name: string }) => h.name)).not.toContain('wec');
    });
  });

  describe('API tokens', () => {
    it('pages through the tokens of a project, oldest first', async () => {
      const P = '/api/v1/projects/token-paging';
      const admin = await api.token('token-paging', 'admin');
      for (const name of ['ci', 'backup']) {
        const res = await api.call('POST', `${P}/tokens`, { token: admin, body: { name, role: 'viewer' } });
        expect(res.statusCode, res.body).toBe(201);
      }
      const first = await api.call('GET', `${P}/tokens?limit=2`, { token: admin });
      expect(first.json().items.map((t: { name: string }) => t.name)).toEqual(['admin-test', 'ci']);
      const rest = await api.call('GET', `${P}/tokens?limit=2&cursor=${first.json().nextCursor}`, { token: admin });
      expect(rest.json()).toEqual({ items: [expect.objectContaining({ name: 'backup', role: 'viewer' })], nextCursor: null });
    });
  });

  describe('onboarding lobby and audit', () => {
    it('lists an unknown machine that enrolled in an approval project, approves it into a host, and audits it', async () => {
      const manager = await api.token('beta', 'onboarding-manager');
      const beta = await api.token('beta', 'admin');
      await api.call('PUT', `${B}/onboarding`, { token: beta, body: { autoOnboard: false } });
      const created = await api.call('POST', `${B}/enrollment-tokens`, { token: manager, body: { name: 'plant-b' } });
      const enroll = (serial: string) =>
        api.call('POST', '/api/v1/agent/enroll', {
          token: null,
          body: { enrollmentToken: created.json().token, serial, facts: { hostname: 'edge-9', arch: 'x64' } },
        });
      const waiting = await enroll('UNKNOWN-9');
      expect(waiting.json()).toMatchObject({ status: 403, reason: 'AwaitingApproval' });
      const listed = await api.call('GET', `${B}/onboarding-requests`, { token: manager });
      expect(listed.json()).toEqual({
        items: [
          {
            id: waiting.json().onboardingRequest,
            project: 'beta',
            uuid: null,
            serial: 'UNKNOWN-9',
            facts: { hostname: 'edge-9', arch: 'x64' },
            state: 'pending',
            tokenId: created.json().id,
            tokenName: 'plant-b',
            firstSeenAt: expect.any(String),
            lastSeenAt: expect.any(String),
          },
        ],
        nextCursor: null,
      });
      const approved = await api.call('POST', `${B}/onboarding-requests/${waiting.json().onboardingRequest}/approve`, {
        token: manager,
        body: {},
      });
      expect(approved.json()).toMatchObject({ name: 'host-unknown-9', serial: 'UNKNOWN-9', state: 'approved' });
      expect((await enroll('UNKNOWN-9')).json()).toMatchObject({ hostName: 'host-unknown-9' });
      expect((await api.call('GET', `${B}/onboarding-requests`, { token: manager })).json().items).toEqual([]);

      const audit = await api.call('GET', `${B}/audit?actor=onboarding-manager-test&action=APPROVE`, { token: beta });
      expect(audit.json().items).toEqual([
        expect.objectContaining({
          action: 'POST /onboarding-requests/:id/approve',
          actor: expect.objectContaining({ tokenName: 'onboarding-manager-test', role: 'onboarding-manager' }),
          target: { id: waiting.json().onboardingRequest, host: 'host-unknown-9' },
          outcome: 'succeeded',
        }),
      ]);
      const enrollments = await api.call('GET', `${B}/audit?actor=plant-b`, { token: beta });
      expect(enrollments.json().items.map((e: { status: number }) => e.status)).toEqual([200, 403]);
      expect((await api.call('GET', `${B}/audit?action=%25`, { token: beta })).json().items).toEqual([]);
      // Leave project beta as the isolation cases expect it: no host, hosts onboarding automatically.
      expect((await api.call('DELETE', `${B}/hosts/host-unknown-9`, { token: beta })).statusCode).toBe(204);
      await api.call('PUT', `${B}/onboarding`, { token: beta, body: { autoOnboard: true } });
    });
  });

  describe('isolation between projects', () => {
    it("never shows one project's data to another, even by id", async () => {
      const host = (await api.call('POST', `${A}/hosts`, { body: { serial: 'ISO-1' } })).json();
      const beta = await api.token('beta', 'admin');
      expect((await api.call('GET', `${B}/hosts`, { token: beta })).json().items).toEqual([]);
      expect((await api.call('GET', `${B}/hosts/${host.id}`, { token: beta })).statusCode).toBe(404);
      expect((await api.call('GET', `${B}/osprofiles`, { token: beta })).json().items).toEqual([]);
      expect((await api.call('GET', `${B}/templates`, { token: beta })).json().items).toEqual([]);
      // the same serial is free in another project
      expect((await api.call('POST', `${B}/hosts`, { token: beta, body: { serial: 'ISO-1' } })).statusCode).toBe(201);
    });

    it("refuses a token used on another project's path", async () => {
      const beta = await api.token('beta', 'admin');
      const res = await api.call('GET', `${A}/hosts`, { token: beta });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'Forbidden', status: 403 });
    });
  });

  describe('malformed requests', () => {
    it('answers unparseable JSON with a 400 problem', async () => {
      const res = await api.call('POST', `${A}/hosts`, { body: '{"serial": ', headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'MalformedDocument' });
    });

    it('answers an unknown route with a 404 problem', async () => {
      const res = await api.call('GET', `${A}/nothing-here`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'RouteNotFound' });
    });

    it('never answers 500 or shows a stack for hostile input on any route', async () => {
      const bodies = [
        '',
        'null',
        '[]',
        '"x"',
        '{"a":{"b":{"c":[1,2,{"d":null}]}}}',
        '{"name":"\\u0000"}',
        JSON.stringify({ document: 'x'.repeat(10_000) }),
        '{"labels":{"a":{"b":1}}}',
        '{"uuid":123,"serial":[],"kubernetesVersion":{"$gt":""}}',
        '{"defaults":{"template":"a:b:c","autoCluster":true},"hosts":[{},{"uuid":"x"},null,{"cluster":[]}]}',
        '{"hosts":[{"serial":"S","labels":{"k":"$(id)"},"osProfile":"../x"}],"dryRun":"yes"}',
      ];
      for (const route of api.app.routeCatalog) {
        const url = route.url.replace(':project', 'alpha').replace(/:[a-z]+/g, encodeURIComponent("x'; drop table hosts;--"));
        for (const body of route.method === 'GET' || route.method === 'DELETE' ? [undefined] : bodies) {
          const res = await api.call(route.method, `${url}${route.method === 'GET' ? '?limit=abc&state=x' : ''}`, {
            ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
          });
          expect(res.statusCode, `${route.method} ${url} ${body}`).toBeLessThan(500);
          expect(res.body).not.toMatch(/\n\s+at /);
        }
      }
    });
  });
}
