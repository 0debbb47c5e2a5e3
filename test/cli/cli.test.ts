/**
 * The CLI as a user runs it: a real server, the real `edge-orch` process, the real files from ../shared/formats.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadServerConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createPinnedFetch, type Fetch } from '../../src/system/pinned-fetch.ts';
import { createEdgeOrchCli, type CliResult, type EdgeOrchCli } from '../support/edge-orch-cli.ts';
import { FORMATS_DIR, osProfileFiles, templateFiles } from '../support/formats.ts';

describe('edge-orch CLI', () => {
  let server: RunningServer;
  let dir: string;
  let edgeOrch: EdgeOrchCli;
  /** fetch trusting the server's own CA. */
  let trusted: Fetch;
  const cli = (...args: string[]): Promise<CliResult> => edgeOrch.run(args);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-orch-cli-'));
    server = await startServer(loadServerConfig({ dataDir: join(dir, 'data'), port: 0, logLevel: 'silent' }, {}));
    edgeOrch = createEdgeOrchCli({ home: dir });
    trusted = createPinnedFetch(readFileSync(server.caFile!, 'utf8'));
  });
  afterAll(async () => server?.close());

  it('logs in with the first admin token and keeps the settings private', async () => {
    expect(statSync(server.adminTokenFile!).mode & 0o777).toBe(0o600);
    const login = await cli('login', '--server', server.url, '--token-file', server.adminTokenFile!, '--ca-file', server.caFile!);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(statSync(edgeOrch.configFile).mode & 0o777).toBe(0o600);
    expect(login.stdout).not.toContain(readFileSync(server.adminTokenFile!, 'utf8').trim());
  });

  it('imports the shared OS profiles and templates unchanged', async () => {
    const imported = await cli('osprofile', 'import', ...osProfileFiles().map((file) => join(FORMATS_DIR, file)));
    expect(imported.code, imported.stderr).toBe(0);
    const templates = await cli('template', 'import', ...templateFiles().map((f) => join(FORMATS_DIR, f)));
    expect(templates.code).toBe(0);
    expect(templates.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('lists one page of OS profiles and templates, or every page with --all', async () => {
    const json = async (...args: string[]) => {
      const result = await cli('-o', 'json', ...args);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };
    expect(await json('osprofile', 'list', '--limit', '1')).toHaveLength(1);
    expect((await json('osprofile', 'list', '--limit', '1', '--all')).map((p: { name: string }) => p.name)).toEqual([
      'microvisor-nonrt',
      'ubuntu-22.04-lts-generic',
    ]);
    const page = await json('template', 'list', '--limit', '2');
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    const all = await json('template', 'list', '--limit', '2', '--all');
    expect(all.items.map((t: { name: string; version: string }) => `${t.name}:${t.version}`)).toEqual([
      'baseline:v2.0.2',
      'baseline-k3s:v0.0.4',
      'baseline-k3s:v0.0.10',
      'privileged-k3s:v0.0.10',
      'restricted-k3s:v0.0.10',
    ]);
    expect(all.nextCursor).toBeNull();
  });

  it('renders a template version as the Cluster API objects the capi driver applies', async () => {
    const yaml = await cli('template', 'render', 'baseline-k3s:v0.0.4');
    expect(yaml.code, yaml.stderr).toBe(0);
    const kinds = parseAllDocuments(yaml.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(expect.arrayContaining(['ClusterClass', 'KThreesControlPlaneTemplate', 'KThreesConfigTemplate']));
    const json = JSON.parse((await cli('-o', 'json', 'template', 'render', 'baseline-k3s:v0.0.4')).stdout);
    expect(json).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(json.items).toHaveLength(kinds.length);
    const missing = await cli('cluster', 'render', 'no-such-cluster');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('error: cluster "no-such-cluster" not found\n');
  });

  it('lists templates compatible with the EMT profile and explains the excluded ones', async () => {
    const { code, stdout } = await cli('template', 'list', '--compatible-with', 'microvisor-nonrt', '--explain');
    expect(code).toBe(0);
    const [compatible, excluded] = stdout.split('Excluded');
    expect(compatible).toMatch(/baseline-k3s\s+v0\.0\.4\s+k3s\s+v1\.32\.4\+k3s1\s+microvisor-nonrt:3\.0\.20260602\.2200\s+air-gapped/);
    expect(compatible).not.toContain('v0.0.10');
    expect(excluded).toMatch(
      /baseline-k3s\s+v0\.0\.10\s+v1\.33\.5\+k3s1\s+microvisor-nonrt:3\.0\.20260602\.2200\s+K3sVersionMismatch: .*v1\.33\.5\+k3s1.*v1\.32\.4\+k3s1/,
    );
  });

  it('prints JSON and YAML that parse to the API objects', async () => {
    const json = JSON.parse((await cli('-o', 'json', 'template', 'list', '--flavor', 'rke2')).stdout);
    expect(json.items.map((t: { name: string }) => t.name)).toEqual(['baseline']);
    const yaml = (await import('yaml')).parse((await cli('osprofile', 'get', 'microvisor-nonrt', '-o', 'yaml')).stdout);
    expect(yaml.kubernetes.version).toBe('v1.32.4+k3s1');
  });

  it('registers, lists, gets and deauthorizes a host', async () => {
    expect((await cli('host', 'register', '--serial', 'CLI-1', '--site', 'store-9', '--label', 'zone=a')).code).toBe(0);
    const listed = JSON.parse((await cli('host', 'list', '--label', 'zone=a', '-o', 'json')).stdout);
    expect(listed.map((h: { serial: string }) => h.serial)).toEqual(['CLI-1']);
    expect(JSON.parse((await cli('host', 'get', 'host-cli-1', '-o', 'json')).stdout).site).toBe('store-9');
    expect(JSON.parse((await cli('host', 'deauthorize', 'host-cli-1', '-o', 'json')).stdout).state).toBe('deauthorized');
  });

  it('gets a host by serial too, and exits 3 when nothing matches and 4 when several hosts do', async () => {
    const token = readFileSync(server.adminTokenFile!, 'utf8').trim();
    for (const body of [{ serial: 'amb-1' }, { serial: 'AMB-2', name: 'amb-1' }]) {
      const res = await trusted(`${server.url}/api/v1/projects/default/hosts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    }
    expect(JSON.parse((await cli('host', 'get', 'AMB-2', '-o', 'json')).stdout).name).toBe('amb-1');
    expect(await cli('host', 'get', 'nope-9')).toMatchObject({ code: 3, stderr: 'error: host "nope-9" not found\n' });
    const ambiguous = await cli('host', 'get', 'amb-1');
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toMatch(
      /^error: "amb-1" matches 2 hosts: the name of host amb-1 \(\S+\) and the serial of host host-amb-1 \(\S+\); name the host by its id\n$/,
    );
  });

  it('shows a registration job per step and per host, and retries its failed hosts', async () => {
    const token = readFileSync(server.adminTokenFile!, 'utf8').trim();
    const res = await trusted(`${server.url}/api/v1/projects/default/registrations?wait=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        defaults: { autoProvision: true, autoCluster: true, osProfile: 'microvisor-nonrt' },
        hosts: [
          { serial: 'CLI-R1', template: 'baseline-k3s:v0.0.4' },
          { serial: 'CLI-R2', template: 'baseline-k3s:v0.0.10' },
        ],
      }),
    });
    const job = (await res.json()) as { id: string; status: string };
    expect(job.status).toBe('failed');

    const listed = await cli('registration', 'list');
    expect(listed.stdout).toMatch(new RegExp(`${job.id}\\s+failed\\s+2\\s+1\\s+1\\s+register,provision,cluster`));
    const failed = await cli('registration', 'get', job.id, '--failed');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain(`job ${job.id}: failed, 1 of 2 hosts succeeded, 1 failed`);
    expect(failed.stdout).toMatch(/create-cluster\s+1\s+1\s+0\s+0/);
    expect(failed.stdout).toContain('register-host:succeeded create-instance:succeeded create-cluster:failed');
    expect(failed.stdout).toContain('K3sVersionMismatch');
    expect(failed.stdout).not.toContain('host-cli-r1');

    const retried = JSON.parse((await cli('registration', 'retry', job.id, '-o', 'json')).stdout);
    expect(retried.id).toBe(job.id);
    const again = JSON.parse((await cli('registration', 'get', job.id, '-o', 'json')).stdout);
    expect(again.hosts.map((h: { name: string; status: string }) => `${h.name}:${h.status}`)).toEqual([
      'host-cli-r1:succeeded',
      'host-cli-r2:failed',
    ]);
    expect(again.hosts[1].steps[2].attempts).toBeGreaterThanOrEqual(1);
  });

  it('creates a viewer token that can read but not write, and an enrollment token an agent can enroll with', async () => {
    const created = JSON.parse((await cli('token', 'create', '--name', 'dashboard', '--role', 'viewer', '-o', 'json')).stdout);
    expect(created).toMatchObject({ name: 'dashboard', role: 'viewer', token: expect.any(String) });
    const listed = await cli('token', 'list');
    expect(listed.stdout).toMatch(/dashboard\s+viewer/);
    expect(listed.stdout).not.toContain(created.token);
    const asViewer = (...args: string[]) => cli('--token', created.token, ...args);
    expect((await asViewer('host', 'list')).code).toBe(0);
    const refused = await asViewer('host', 'register', '--serial', 'CLI-VIEW');
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/^error: .*viewer/);
    expect((await cli('token', 'delete', created.id)).code).toBe(0);
    expect((await asViewer('host', 'list')).code).toBe(5);

    const badRole = await cli('token', 'create', '--name', 'x', '--role', 'root');
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toContain('Allowed choices are admin, onboarding-manager, edge-operator, viewer');

    const enrollment = JSON.parse((await cli('enrollment-token', 'create', 'store-9', '-o', 'json')).stdout);
    expect((await cli('host', 'register', '--serial', 'CLI-AGENT')).code).toBe(0);
    const enrolled = await trusted(`${server.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollmentToken: enrollment.token, serial: 'CLI-AGENT' }),
    });
    expect(enrolled.status).toBe(200);
  });

  const enroll = (token: string, serial: string) =>
    trusted(`${server.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollmentToken: token, serial }),
    });

  it('makes an enrollment token with a use count and expiry, lists its uses and revokes it', async () => {
    const once = JSON.parse(
      (await cli('enrollment-token', 'create', 'dock-1', '--max-uses', '1', '--expires-in', '1d', '-o', 'json')).stdout,
    );
    expect(once).toMatchObject({ maxUses: 1, uses: 0, expiresAt: expect.any(String) });
    expect((await cli('host', 'register', '--serial', 'CLI-ONCE')).code).toBe(0);
    expect((await enroll(once.token, 'CLI-ONCE')).status).toBe(200);
    expect((await cli('enrollment-token', 'list')).stdout).toMatch(/dock-1 .* 1\/1/);
    expect((await cli('enrollment-token', 'delete', once.id)).stdout).toBe(`enrollment token ${once.id} revoked\n`);
  });

  it('approves a host from the onboarding lobby and shows who did it in the audit log', async () => {
    const token = JSON.parse((await cli('enrollment-token', 'create', 'dock-2', '-o', 'json')).stdout).token;
    expect((await cli('host', 'register', '--serial', 'CLI-LOBBY', '--onboard', 'approval')).code).toBe(0);
    expect((await enroll(token, 'CLI-LOBBY')).status).toBe(403);
    expect((await cli('host', 'list', '--state', 'awaiting-approval')).stdout).toMatch(/host-cli-lobby .* awaiting-approval/);
    expect((await cli('host', 'approve', 'host-cli-lobby')).stdout).toMatch(/approved/);
    const audit = (await cli('audit', '--limit', '20')).stdout;
    expect(audit).toMatch(/POST \/hosts\/:host\/approve +host=host-cli-lobby +200 succeeded/);
    expect(audit).toMatch(/dock-2 \(enrollment-token\) +POST \/api\/v1\/agent\/enroll +serial=CLI-LOBBY +403 Forbidden/);
  });

  // Seven CLI processes, each a Node start: long on a loaded machine.
  it('provisions a host and creates and refuses clusters with exit codes scripts can rely on', { timeout: 180_000 }, async () => {
    expect((await cli('host', 'register', '--serial', 'CLI-C1')).code).toBe(0);
    const provisioned = await cli('host', 'provision', 'host-cli-c1', '--os-profile', 'microvisor-nonrt');
    expect(provisioned.code, provisioned.stderr).toBe(0);
    expect(provisioned.stdout).toMatch(/create-instance\s+succeeded/);
    const notRunning = await cli('cluster', 'create', 'c-new', '--template', 'baseline-k3s:v0.0.10', '--node', 'host-cli-c1');
    expect(notRunning.code).toBe(4);
    expect(notRunning.stderr).toMatch(
      /^error: host host-cli-c1 has not reported running OS profile microvisor-nonrt:\S+ yet \(field: nodes\/0\/host\)/,
    );
    expect((await cli('host', 'register', '--serial', 'CLI-C2')).code).toBe(0);
    const created = await cli(
      'cluster',
      'create',
      'c1',
      '--template',
      'baseline-k3s:v0.0.4',
      '--node',
      'host-cli-c2=all',
      '--os-profile',
      'microvisor-nonrt',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/host-cli-c2\s+create-cluster\s+succeeded/);
    expect((await cli('cluster', 'get', 'nope', '--watch')).code).toBe(3);
    const upgrade = await cli('cluster', 'upgrade', 'c1', '--os-profile', 'ubuntu-22.04-lts-generic');
    expect(upgrade.code).toBe(4);
    expect(upgrade.stderr).toMatch(/^error: OS profile ubuntu-22\.04-lts-generic:\S+ embeds no K3s, so it names no version for cluster c1/);
  });

  it('lists an unknown machine in the lobby, approves it under a name, and filters the audit log to it', async () => {
    const token = JSON.parse((await cli('enrollment-token', 'create', 'dock-3', '-o', 'json')).stdout).token;
    expect((await cli('onboarding', 'set', 'approval')).code).toBe(0);
    try {
      expect((await enroll(token, 'CLI-UNKNOWN')).status).toBe(403);
      const [request] = JSON.parse((await cli('onboarding', 'requests', '-o', 'json')).stdout).items;
      expect(request).toMatchObject({ serial: 'CLI-UNKNOWN', state: 'pending', tokenName: 'dock-3' });
      expect((await cli('onboarding', 'requests')).stdout).toMatch(new RegExp(`${request.id} +- +CLI-UNKNOWN .* pending +dock-3`));
      expect((await cli('onboarding', 'approve', request.id, '--name', 'dock-box')).stdout).toMatch(/dock-box +approved/);
      expect((await enroll(token, 'CLI-UNKNOWN')).status).toBe(200);
      const audit = (await cli('audit', '--action', 'onboarding-requests')).stdout.trim().split('\n');
      expect(audit.slice(1)).toEqual([
        expect.stringMatching(/POST \/onboarding-requests\/:id\/approve +id=\S+,host=dock-box +200 succeeded/),
      ]);
    } finally {
      await cli('onboarding', 'set', 'auto');
    }
  });

  it('fails with exit 4 (conflict) and names the existing host for a duplicate serial', async () => {
    const { code, stderr } = await cli('host', 'register', '--serial', 'CLI-1');
    expect(code).toBe(4);
    expect(stderr).toMatch(/^error: a host with serial CLI-1 is already registered: host-cli-1 \(/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('gives a precise error for a malformed file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'x',
        version: 'v1.0.0',
        kubernetesVersion: 'v1.32',
        controlplaneprovidertype: 'k3s',
        clusterconfiguration: {},
      }),
    );
    const { code, stderr } = await cli('template', 'import', bad);
    expect(code).toBe(1);
    expect(stderr).toContain('kubernetesVersion "v1.32" is not a Kubernetes version; expected v<major>.<minor>.<patch>+k3s<N>');
    const missing = await cli('osprofile', 'import', join(dir, 'nope.yaml'), join(FORMATS_DIR, 'os-profiles/microvisor-nonrt.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(dir, 'nope.yaml')}: error: cannot read ${join(dir, 'nope.yaml')}: ENOENT (field: file)\n`);
    // The good file after the bad one is still tried (and meets the profile imported earlier).
    expect(missing.stderr).toContain('microvisor-nonrt');
  });
});
