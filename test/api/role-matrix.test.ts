/**
 * Every route × every role: allowed roles get past auth, others get 403; no token gets 401.
 * The expected table is written out here, independently of the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/roles.ts';
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
  'POST /api/v1/projects/:project/templates': ['admin', 'edge-operator'],
  'GET /api/v1/projects/:project/templates': ROLES.slice(),
  'GET /api/v1/projects/:project/templates/:name/versions/:version': ROLES.slice(),
  'DELETE /api/v1/projects/:project/templates/:name/versions/:version': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/hosts': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/hosts': ROLES.slice(),
  'GET /api/v1/projects/:project/hosts/:host': ROLES.slice(),
  'PATCH /api/v1/projects/:project/hosts/:host': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/hosts/:host/deauthorize': ['admin', 'onboarding-manager'],
  'DELETE /api/v1/projects/:project/hosts/:host': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/instances': ROLES.slice(),
  'GET /api/v1/projects/:project/instances/:id': ROLES.slice(),
  'GET /api/v1/projects/:project/clusters': ROLES.slice(),
  'GET /api/v1/projects/:project/clusters/:name': ROLES.slice(),
  'POST /api/v1/projects/:project/tokens': ['admin'],
  'GET /api/v1/projects/:project/tokens': ['admin'],
  'DELETE /api/v1/projects/:project/tokens/:id': ['admin'],
  'GET /api/v1/projects/:project/clusters/:name/kubeconfig': ['admin', 'edge-operator'],
  'DELETE /api/v1/projects/:project/clusters/:name': ['admin', 'edge-operator'],
  'POST /api/v1/projects/:project/registrations': ['admin', 'onboarding-manager'],
  'GET /api/v1/projects/:project/registrations': ROLES.slice(),
  'GET /api/v1/projects/:project/registrations/:id': ROLES.slice(),
  'GET /api/v1/projects/:project/registrations/:id/hosts': ROLES.slice(),
  'POST /api/v1/projects/:project/registrations/:id/retry': ['admin', 'onboarding-manager'],
  'POST /api/v1/projects/:project/enrollment-tokens': ['admin', 'onboarding-manager'],
  'POST /api/v1/agent/enroll': 'public',
  'GET /api/v1/agent/desired-state': 'agent',
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
      const other = await api.call(route.method, url, { token: await api.token('beta', 'admin') });
      expect(other.statusCode, `${key} with another project's token`).toBe(403);
    }
  });
});
