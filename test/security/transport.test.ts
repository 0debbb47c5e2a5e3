/**
 * The door between agent and server, attacked as whoever controls or intercepts the server: a fake orchestrator
 * sends hostile plans (its own argv, files outside K3s's places, downloads from elsewhere, extra environment,
 * K3s config keys of its own) and none is executed; plain HTTP and certificates from another CA are refused;
 * host credentials expire and are renewed. Each attack here succeeded before the agent checked its plans.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInstallPlan, type PlanPolicy } from '../../src/agent/check-install-plan.ts';
import { runAgent } from '../../src/agent/agent.ts';
import { createSouthboundClient } from '../../src/agent/southbound-client.ts';
import { buildApp } from '../../src/api/app.ts';
import type { DesiredStateT } from '../../src/contract/agent.schema.ts';
import { AGENT_PREFIX } from '../../src/contract/paths.ts';
import { computeBootstrapPlan, type BootstrapPlan } from '../../src/domain/bootstrap/bootstrap-plan.ts';
import { parseMirrorUrl } from '../../src/domain/bootstrap/mirror-url.ts';
import { renderInstallPlan, type InstallPlan } from '../../src/render/bootstrap/install-plan.ts';
import { ensureCertificateAuthority, issueServerCertificate } from '../../src/system/certificate-authority.ts';
import { addCluster, addHost, addOsProfile, addTemplate, createTestDeps, PROJECT } from '../../src/workflow/use-cases/test-inventory.ts';
import { createTokenSecret, hashTokenSecret } from '../../src/workflow/token-secret.ts';
import { bootstrapInput, buildCluster, emtProfile, loadTemplate, ubuntuProfile } from '../agent/support/plans.ts';

const MIRROR = 'http://10.0.0.1:8080/mirror';
const EMT_MANIFEST = {
  image: { name: 'microvisor-nonrt', version: '3.0', osType: 'immutable', architecture: 'x86_64' },
  kubernetes: { flavor: 'k3s', version: 'v1.32.4+k3s1', binaryPath: '/usr/local/bin/k3s', installScriptPath: '/opt/install.sh' },
} as unknown as PlanPolicy['manifest'];

const v004 = loadTemplate('baseline-k3s-v0.0.4.json');
const v010 = loadTemplate('baseline-k3s-v0.0.10.json');
const airGapped = (): BootstrapPlan => computeBootstrapPlan(bootstrapInput(v004, emtProfile()));
const download = (): BootstrapPlan =>
  computeBootstrapPlan({
    ...bootstrapInput(v010, ubuntuProfile()),
    cluster: buildCluster(v010, ubuntuProfile()),
    mirrorUrl: parseMirrorUrl(MIRROR),
  });

/** Hostile changes a server could make to a sound plan, each of which once ran as root on the host. */
const HOSTILE: { what: string; plan: () => BootstrapPlan; edit: (plan: InstallPlan) => void }[] = [
  { what: 'its own argv', plan: airGapped, edit: (p) => void (p.argv = ['sh', '-c', 'touch /tmp/pwned']) },
  { what: 'another script as argv', plan: airGapped, edit: (p) => void (p.argv = ['sh', '/tmp/evil.sh']) },
  {
    what: 'an install script of its choosing',
    plan: airGapped,
    edit: (p) => Object.assign(p, { installScriptPath: '/tmp/evil.sh', argv: ['sh', '/tmp/evil.sh'] }),
  },
  {
    what: 'a cron job',
    plan: airGapped,
    edit: (p) => p.files.unshift({ path: '/etc/cron.d/pwn', content: '* * * * * root touch /tmp/pwned\n', mode: 0o644, encoding: 'utf8' }),
  },
  {
    what: "root's SSH keys",
    plan: airGapped,
    edit: (p) => p.files.unshift({ path: '/root/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA evil', mode: 0o600, encoding: 'utf8' }),
  },
  {
    what: 'the loader preload list',
    plan: airGapped,
    edit: (p) => p.files.unshift({ path: '/etc/ld.so.preload', content: '/tmp/evil.so', mode: 0o644, encoding: 'utf8' }),
  },
  {
    what: 'a path climbing out of K3s',
    plan: airGapped,
    edit: (p) => p.files.unshift({ path: '/etc/rancher/k3s/../../cron.d/pwn', content: 'x', mode: 0o644, encoding: 'utf8' }),
  },
  {
    what: 'a setuid file',
    plan: airGapped,
    edit: (p) => p.files.unshift({ path: '/etc/rancher/k3s/sh', content: 'x', mode: 0o4755, encoding: 'utf8' }),
  },
  {
    what: 'a download from elsewhere',
    plan: download,
    edit: (p) => {
      if (p.mode === 'download') p.download.installScriptUrl = 'http://evil.example/install.sh';
    },
  },
  {
    what: 'binaries from elsewhere',
    plan: download,
    edit: (p) => {
      if (p.mode === 'download') p.download.artifactsUrl = 'http://evil.example/k3s';
      p.env['GITHUB_URL'] = 'http://evil.example/k3s';
    },
  },
  { what: 'environment of its own', plan: airGapped, edit: (p) => void (p.env['LD_PRELOAD'] = '/tmp/evil.so') },
  {
    what: 'a readiness probe of its own',
    plan: airGapped,
    edit: (p) => void (p.readiness = { kubeconfigPath: '/etc/rancher/k3s/k3s.yaml', argv: ['sh', '-c', 'touch /tmp/pwned'] }),
  },
  {
    what: 'a K3s config key of its own',
    plan: airGapped,
    edit: (p) => {
      const config = p.files.at(-1)!;
      config.content += 'data-dir: /tmp/elsewhere\n';
    },
  },
];

describe('the agent checks every plan before acting', () => {
  const policy = (plan: BootstrapPlan): PlanPolicy => ({ mirrorUrl: plan.mode === 'download' ? MIRROR : null, manifest: EMT_MANIFEST });

  it('runs the plans the server makes, air-gapped and from the mirror', () => {
    for (const plan of [airGapped(), download()]) expect(checkInstallPlan(renderInstallPlan(plan), policy(plan))).toBeNull();
  });

  it.each(HOSTILE)('refuses a plan with $what', ({ plan: make, edit }) => {
    const plan = make();
    const rendered = renderInstallPlan(plan);
    edit(rendered);
    expect(checkInstallPlan(rendered, policy(plan))).toMatch(/^the agent refuses this install plan: /);
  });

  it('refuses a download from the mirror when the agent was given no mirror, and an air-gapped plan on an image without K3s', () => {
    const fromMirror = download();
    expect(checkInstallPlan(renderInstallPlan(fromMirror), { mirrorUrl: null, manifest: null })).toMatch(/downloads must come from/);
    const embedded = airGapped();
    expect(checkInstallPlan(renderInstallPlan(embedded), { mirrorUrl: null, manifest: null })).toMatch(/embedded K3s/);
  });
});

describe('an agent facing a hostile orchestrator', () => {
  let fake: Server;
  let url: string;
  let dir: string;
  const reports: { phase: string; message: string }[] = [];
  const installs: InstallPlan[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-orch-hostile-'));
    const hostile: BootstrapPlan = { ...airGapped(), argv: ['sh', '-c', 'touch /tmp/pwned'] };
    const state: DesiredStateT = {
      revision: 'r1',
      host: { id: 'h-1', name: 'edge-node-1', state: 'onboarded' },
      osProfile: 'microvisor-nonrt',
      action: { kind: 'install', cluster: 'store-42', plan: hostile, planRevision: 'p1' },
    };
    fake = createServer(async (request: IncomingMessage, response) => {
      const body = await new Promise<string>((resolve) => {
        let text = '';
        request.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
      });
      const path = (request.url ?? '').split('?')[0];
      const answer =
        path === `${AGENT_PREFIX}/enroll`
          ? {
              project: PROJECT,
              hostId: 'h-1',
              hostName: 'edge-node-1',
              credential: 'c',
              credentialExpiresAt: '2999-01-01T00:00:00Z',
              caCertificate: null,
            }
          : path === `${AGENT_PREFIX}/desired-state`
            ? state
            : (reports.push(JSON.parse(body).cluster ?? { phase: 'none', message: '' }), { accepted: true });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to talk to it over plain HTTP unless started with --insecure-http', () => {
    expect(() => createSouthboundClient({ serverUrl: url })).toThrow(/is plain HTTP/);
  });

  it('does not run the argv it sends, and reports the refusal', async () => {
    const quiet = { info() {}, warn() {}, error() {} };
    const result = await runAgent({
      client: createSouthboundClient({ serverUrl: url, insecureHttp: true }),
      enrollToken: 'token',
      identity: { uuid: null, serial: 'SN-1' },
      stateDir: join(dir, 'state'),
      manifestPath: join(dir, 'no-manifest.json'),
      hostAddress: '10.0.0.5',
      once: true,
      log: quiet,
      host: {
        install: async (plan) => {
          installs.push(plan);
          return { status: 'installed', kubeconfig: null, output: '', warnings: [] };
        },
        cleanup: async () => {
          throw new Error('nothing to clean up');
        },
        readInstallRecord: async () => null,
      },
    });
    expect(result.ok).toBe(false);
    expect(installs).toEqual([]);
    expect(reports.at(-1)).toMatchObject({ phase: 'failed', message: expect.stringMatching(/^the agent refuses this install plan: /) });
  });
});

describe('TLS between agent and server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-orch-tls-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('refuses a server whose certificate comes from another CA than the pinned one (an interceptor)', async () => {
    const [pinned, other] = [await ensureCertificateAuthority(join(dir)), await ensureCertificateAuthority(await mkdtemp(join(dir, 'x-')))];
    const leaf = issueServerCertificate(other, ['127.0.0.1']);
    const interceptor = createHttpsServer({ key: leaf.key, cert: leaf.certificate }, (_, response) => response.end('{}'));
    await new Promise<void>((resolve) => interceptor.listen(0, '127.0.0.1', resolve));
    const serverUrl = `https://127.0.0.1:${(interceptor.address() as { port: number }).port}`;
    try {
      const client = createSouthboundClient({ serverUrl, caCertificate: pinned.certificate });
      await expect(client.enroll({ enrollmentToken: 'x', serial: 'SN-1' })).rejects.toMatchObject({
        status: null,
        message: expect.stringMatching(/failed: .*(CERT|SIGNATURE|UNABLE|VERIFY)/),
      });
      // Without a pinned CA the system's CAs do not vouch for it either.
      await expect(createSouthboundClient({ serverUrl }).enroll({ enrollmentToken: 'x', serial: 'SN-1' })).rejects.toMatchObject({
        status: null,
      });
    } finally {
      interceptor.close();
    }
  });

  it('expires host credentials, and a renewal replaces the credential and answers the CA to pin', async () => {
    const deps = await createTestDeps();
    await addOsProfile(deps.store);
    await addTemplate(deps.store);
    const host = await addHost(deps.store, 'SN-TLS');
    await addCluster(deps.store, 'store-1', [host]);
    const enrollment = createTokenSecret();
    await deps.store.agents.createEnrollmentToken({
      project: PROJECT,
      name: 'e',
      secretHash: hashTokenSecret(enrollment),
      expiresAt: null,
      maxUses: null,
    });
    const call = async (app: Awaited<ReturnType<typeof buildApp>>, path: string, credential?: string, body?: unknown) => {
      const response = await app.inject({
        method: body === undefined ? 'GET' : 'POST',
        url: `${AGENT_PREFIX}${path}`,
        headers: credential ? { authorization: `Bearer ${credential}` } : {},
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: response.statusCode, body: response.json() };
    };
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const lasting = await buildApp({ ...deps, agentTrust: { caCertificate: ca, hostCredentialTtlMs: 3_600_000 } });
    const enrolled = await call(lasting, '/enroll', undefined, { enrollmentToken: enrollment, serial: 'SN-TLS' });
    expect(enrolled.body).toMatchObject({ caCertificate: ca, credentialExpiresAt: expect.any(String) });
    const renewed = await call(lasting, '/renew', enrolled.body.credential, {});
    expect(renewed).toMatchObject({ status: 200, body: { caCertificate: ca } });
    expect((await call(lasting, '/desired-state?waitSeconds=0', enrolled.body.credential)).status).toBe(401);
    expect((await call(lasting, '/desired-state?waitSeconds=0', renewed.body.credential)).status).toBe(200);
    await lasting.close();

    const expiring = await buildApp({ ...deps, agentTrust: { caCertificate: ca, hostCredentialTtlMs: -1 } });
    const short = await call(expiring, '/enroll', undefined, { enrollmentToken: enrollment, serial: 'SN-TLS' });
    expect(await call(expiring, '/desired-state?waitSeconds=0', short.body.credential)).toMatchObject({ status: 401 });
    await expiring.close();
    await deps.store.close();
  });
});
