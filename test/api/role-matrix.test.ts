/**
 * Every route × every role: allowed roles get past auth, others get 403; no token gets 401.
 * Then every change of a host that is a cluster node × every role, with the answer each gets.
 * The expected tables are written out here, independently of the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/roles.ts';
import { addCluster, addHost, addOsProfile, addTemplate } from '../../src/workflow/use-cases/test-inventory.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { engines } from '../support/engines.ts';

/** Which roles may call each route, by "METHOD url". A route missing here fails the test. */
const EXPECTED: Record<string, Role[] | 'public' | 'agent'> = {
  'GET /healthz': 'public',
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/projects/:project/osprofiles': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/osprofiles/import': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/osprofiles': ROLES.slice(),
  'GET /api/v1/projects/:project/osprofiles/:name': ROLES.slice(),
  'DELETE /api/v1/projects/:project/osprofiles/:name': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/osprofiles/:name/versions/:version': ROLES.slice(),
  'DELETE /api/v1/projects/:project/osprofiles/:name/versions/:version': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/templates': ['admin', 'edge-operator'],
  'GET /api/v1/projects/:project/templates': ROLES.slice(),
  'GET /api/v1/projects/:project/templates/:name/versions/:version': ROLES.slice(),
  'GET /api/v1/projects/:project/templates/:name/versions/:version/templateinfo': ROLES.slice(),
  'DELETE /api/v1/projects/:project/templates/:name/versions/:version': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/hosts': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/hosts': ROLES.slice(),
  'GET /api/v1/projects/:project/hosts/:host': ROLES.slice(),
  'GET /api/v1/projects/:project/hosts/:host/report': ROLES.slice(),
  'PATCH /api/v1/projects/:project/hosts/:host': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/hosts/:host/deauthorize': ['admin', 'onboarding-manager'],
  'DELETE /api/v1/projects/:project/hosts/:host': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/instances': ROLES.slice(),
  'GET /api/v1/projects/:project/instances/:id': ROLES.slice(),
  'PATCH /api/v1/projects/:project/instances/:id': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/clusters': ROLES.slice(),
  'GET /api/v1/projects/:project/clusters/:name': ROLES.slice(),
  'POST /api/v1/projects/:project/tokens': ['admin'],
  'GET /api/v1/projects/:project/tokens': ['admin'],
  'DELETE /api/v1/projects/:project/tokens/:id': ['admin'],
  'GET /api/v1/projects/:project/clusters/:name/kubeconfig': ['admin', 'edge-operator'],
  'DELETE /api/v1/projects/:project/clusters/:name': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/clusters': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/clusters/:name/nodes': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/clusters/:name/upgrade': ['admin', 'edge-operator'],
  'DELETE /api/v1/projects/:project/clusters/:name/nodes/:host': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/hosts/:host/instance': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/registrations': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/registrations': ROLES.slice(),
  'GET /api/v1/projects/:project/registrations/:id': ROLES.slice(),
  'GET /api/v1/projects/:project/registrations/:id/hosts': ROLES.slice(),
  'POST /api/v1/projects/:project/registrations/:id/retry': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/enrollment-tokens': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/enrollment-tokens': ['admin', 'onboarding-manager'],
  'DELETE /api/v1/projects/:project/enrollment-tokens/:id': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/hosts/:host/approve': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/hosts/:host/reject': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/hosts/:host/reset-credential': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/onboarding': ROLES.slice(),
  'PUT /api/v1/projects/:project/onboarding': ['admin'],
  'GET /api/v1/projects/:project/management-cluster': ROLES.slice(),
  'PUT /api/v1/projects/:project/management-cluster': ['admin'],
  'DELETE /api/v1/projects/:project/management-cluster': ['admin'],
  'PUT /api/v1/projects/:project/cluster-driver': ['admin'],
  'GET /api/v1/projects/:project/clusters/:name/capi': ROLES.slice(),
  'GET /api/v1/projects/:project/templates/:name/versions/:version/capi': ROLES.slice(),
  'GET /api/v1/projects/:project/audit': ['admin'],
  'GET /api/v1/projects/:project/onboarding-requests': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/onboarding-requests/:id/approve': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/onboarding-requests/:id/reject': ['admin', 'onboarding-manager'],
  'POST /api/v1/agent/enroll': 'public',
  'GET /api/v1/agent/desired-state': 'agent',
  'GET /api/v1/session': ROLES.slice(),
  'POST /api/v1/projects/:project/host-csv': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/registrations/:id/progress': ROLES.slice(),
  'GET /api/v1/projects/:project/clusters/:name/progress': ROLES.slice(),
  'GET /*': 'public',
  'POST /api/v1/agent/report': 'agent',
  'POST /api/v1/agent/renew': 'agent',
};

describe.each(engines)('role matrix on $name', ({ createStore }) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
  });
  afterAll(async () => api?.close());

  it('has an expectation for every route and a route for every expectation', () => {
    const routes = api.app.routeCatalog.map((r) => `${r.method} ${r.url}`).sort();
    expect(routes).toEqual(Object.keys(EXPECTED).sort());
  });

  it('lets exactly the expected roles through each route and answers 401 without a token', async () => {
    for (const route of api.app.routeCatalog) {
      const key = `${route.method} ${route.url}`;
      const allowed = EXPECTED[key]!;
      const url = route.url.replace(':project', 'alpha').replace(/:[a-z]+/g, 'x');
      const anonymous = await api.call(route.method, url, {
        token: null,
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      });
      if (allowed === 'public') {
        expect([401, 403], key).not.toContain(anonymous.statusCode);
        continue;
      }
      if (allowed === 'agent') {
        // Only a host credential opens these; no user token does, whatever its role.
        expect(anonymous.statusCode, key).toBe(401);
        for (const role of ROLES) {
          const res = await api.call(route.method, url, {
            token: await api.token('alpha', role),
            body: route.method === 'GET' ? undefined : {},
          });
          expect(res.statusCode, `${key} as ${role}`).toBe(401);
        }
        continue;
      }
      expect(anonymous.statusCode, key).toBe(401);
      for (const role of ROLES) {
        const res = await api.call(route.method, url, {
          token: await api.token('alpha', role),
          body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        });
        if (allowed.includes(role)) expect([401, 403], `${key} as ${role}: ${res.body}`).not.toContain(res.statusCode);
        else expect(res.statusCode, `${key} as ${role}`).toBe(403);
      }
      // A route outside a project (the caller's session) answers any project's token.
      if (!route.url.includes(':project')) continue;
      const other = await api.call(route.method, url, { token: await api.token('beta', 'admin') });
      expect(other.statusCode, `${key} with another project's token`).toBe(403);
    }
  });
});

/**
 * What each role may do to a host that is a node of a live cluster: changes that alter the cluster (deauthorizing,
 * renaming, which changes the install plan, resetting the credential, which hands the node's place to a new
 * machine) need clusters:write as well as hosts:write; labels and site do not. Deleting a node is refused to
 * everyone (InUse). The status each role gets, by change.
 */
const CLUSTER_NODE_CHANGES: Record<string, { method: string; path: string; body?: object; status: Record<Role, number> }> = {
  rename: {
    method: 'PATCH',
    path: '',
    body: { name: 'renamed' },
    status: { admin: 200, 'onboarding-manager': 403, 'edge-operator': 403, viewer: 403 },
  },
  'change labels': {
    method: 'PATCH',
    path: '',
    body: { labels: { zone: 'b' } },
    status: { admin: 200, 'onboarding-manager': 200, 'edge-operator': 403, viewer: 403 },
  },
  deauthorize: {
    method: 'POST',
    path: '/deauthorize',
    status: { admin: 200, 'onboarding-manager': 403, 'edge-operator': 403, viewer: 403 },
  },
  'reset credential': {
    method: 'POST',
    path: '/reset-credential',
    status: { admin: 200, 'onboarding-manager': 403, 'edge-operator': 403, viewer: 403 },
  },
  delete: { method: 'DELETE', path: '', status: { admin: 409, 'onboarding-manager': 409, 'edge-operator': 403, viewer: 403 } },
};

describe.each(engines)('cluster node changes by role on $name', ({ createStore }) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    await addOsProfile(api.store);
    await addTemplate(api.store);
  });
  afterAll(async () => api?.close());

  it('answers each role as the table says, and a refused change leaves host, credential and cluster as they were', async () => {
    let n = 0;
    for (const [change, { method, path, body, status }] of Object.entries(CLUSTER_NODE_CHANGES)) {
      for (const role of ROLES) {
        const host = await addHost(api.store, `NODE-${++n}`);
        await api.store.agents.issueHostCredential('alpha', host.id, `hash-node-${n}`, '2999-01-01T00:00:00.000Z');
        await addCluster(api.store, `cluster-${n}`, [host], { phase: 'ready' });
        const res = await api.call(method, `/api/v1/projects/alpha/hosts/${host.id}${path}`, {
          token: await api.token('alpha', role),
          ...(body ? { body } : {}),
        });
        expect(res.statusCode, `${change} as ${role}: ${res.body}`).toBe(status[role]);
        if (res.statusCode !== 403) continue;
        expect(res.json().reason, `${change} as ${role}`).toBe(
          role === 'admin' || role === 'onboarding-manager' ? 'ClusterNodeChange' : 'RoleNotAllowed',
        );
        expect(await api.store.hosts.get('alpha', host.id)).toEqual(host);
        expect(await api.store.agents.hasHostCredential('alpha', host.id)).toBe(true);
        expect(await api.store.clusters.get('alpha', `cluster-${n}`)).toMatchObject({ phase: 'ready', nodes: [{ hostId: host.id }] });
      }
    }
  });
});
