/**
 * Quotes, $(...), backticks, newlines and `;` in every template, host and cluster field that reaches a file, the
 * install script's environment or an argv: they arrive literally in files, are refused where a script could
 * read them unquoted, and nothing is ever executed.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { InstallResult } from '../../src/agent/run-install.ts';
import { computeBootstrapPlan, type BootstrapInput } from '../../src/domain/bootstrap/bootstrap-plan.ts';
import { parseMirrorUrl } from '../../src/domain/bootstrap/mirror-url.ts';
import { AppError } from '../../src/domain/errors.ts';
import { parseTemplate, type ClusterTemplate } from '../../src/domain/inventory/template.ts';
import { renderInstallPlan } from '../../src/render/bootstrap/install-plan.ts';
import { readFormat } from '../support/formats.ts';
import { bootstrapInput, buildCluster, emtProfile, HOST, loadTemplate, loadTemplateWith, ubuntuProfile } from './support/plans.ts';
import { createSandbox, valueOf, type ObservedPath, type Sandbox } from './support/sandbox.ts';

const PWNED = '/tmp/pwned';
/** Each line tries another way out: shell substitution, quotes, a new command, a new YAML key, a comment. */
const EVIL = `'"$(touch ${PWNED})\`touch ${PWNED}\`;touch ${PWNED} && echo x\nhttps-listen-port: 1\n- injected: true #`;
const EVIL_DIR = `/etc/rancher/k3s/evil $(touch ${PWNED});\`touch ${PWNED}\`'"\nline`;

function hostileTemplate(): ClusterTemplate {
  return loadTemplateWith('baseline-k3s-v0.0.4.json', (spec) => {
    Object.assign(spec.agentConfig, {
      kubeletArgs: [`--max-pods=250${EVIL}`],
      kubeProxyArgs: [EVIL],
      nodeLabels: [`role=${EVIL}`],
      nodeTaints: [EVIL],
      privateRegistry: EVIL,
      nodeName: EVIL,
    });
    Object.assign(spec.serverConfig, {
      kubeApiServerArg: [EVIL],
      kubeControllerManagerArgs: [EVIL],
      kubeSchedulerArgs: [EVIL],
      tlsSan: [EVIL],
      disableComponents: [EVIL],
      clusterDomain: EVIL,
      clusterDNS: EVIL,
      bindAddress: '127.0.0.1',
      advertiseAddress: EVIL,
      systemDefaultRegistry: EVIL,
    });
    spec.files = [
      { path: `${EVIL_DIR}/notes ${EVIL.replaceAll('\n', ' ')}`, content: EVIL, permissions: '0640' },
      { path: '/etc/rancher/k3s/edge-orch-test/b64', content: Buffer.from(EVIL).toString('base64'), encoding: 'base64' },
    ];
    spec.preK3sCommands = [`touch ${PWNED}`, EVIL];
    spec.postK3sCommands = [`touch ${PWNED}`];
  });
}

function hostileInput(): BootstrapInput {
  const template = hostileTemplate();
  const profile = emtProfile();
  return {
    ...bootstrapInput(template, profile),
    cluster: buildCluster(template, profile, { name: EVIL }),
    host: { id: HOST.id, name: EVIL },
    joinToken: EVIL,
  };
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.field;
    throw error;
  }
  throw new Error('expected an AppError');
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
  await sandbox.addImage('emt', { version: 'v1.32.4+k3s1' });
});
afterAll(() => sandbox?.dispose());

describe('hostile values', () => {
  it('arrive literally in the K3s config and the template files, and nothing is executed', async () => {
    const plan = computeBootstrapPlan(hostileInput());
    const install = renderInstallPlan(plan);
    const [evilFile, b64File] = install.files.map((f) => f.path);
    const results = await sandbox.run([
      { op: 'image', source: 'emt', via: 'copy' },
      { op: 'install', options: { plan: install, hostAddress: `10.0.0.5;touch ${PWNED}` } },
      { op: 'observe', paths: ['/etc/rancher/k3s/config.yaml'] },
      { op: 'install', options: { plan: install, hostAddress: '10.0.0.5', timeouts: { readyMs: 10_000, probeIntervalMs: 100 } } },
      {
        op: 'observe',
        paths: [
          '/etc/rancher/k3s/config.yaml',
          evilFile!,
          b64File!,
          '/etc/systemd/system/k3s.service',
          '/etc/systemd/system/k3s.service.env',
          '/var/lib/rancher/k3s/server/standin-state.json',
          PWNED,
        ],
      },
    ]);
    // A hostile host address is refused before anything is written.
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'InvalidField' } });
    expect(valueOf(results[2])).toEqual({ '/etc/rancher/k3s/config.yaml': null });

    const installed = valueOf<InstallResult>(results[3]);
    expect(installed.status).toBe('installed');
    // No key was injected into config.yaml: K3s still listens on its default port.
    expect(parse(installed.kubeconfig!).clusters[0].cluster.server).toBe('https://10.0.0.5:6443');
    expect(installed.warnings).toEqual(
      expect.arrayContaining([
        `not run: preK3sCommands[0] ${JSON.stringify(`touch ${PWNED}`)} (the agent does not run template commands)`,
        `not run: preK3sCommands[1] ${JSON.stringify(EVIL)} (the agent does not run template commands)`,
        `not run: postK3sCommands[0] ${JSON.stringify(`touch ${PWNED}`)} (the agent does not run template commands)`,
      ]),
    );

    const seen = valueOf<Record<string, ObservedPath | null>>(results[4]);
    const config = parse(seen['/etc/rancher/k3s/config.yaml']!.text!);
    expect(config).toEqual(plan.k3sConfig);
    expect(config).toMatchObject({
      'node-name': EVIL,
      token: EVIL,
      'node-label': [`role=${EVIL}`, `edge-orch.io/cluster=${EVIL}`],
      'node-taint': [EVIL],
      'kubelet-arg': [`max-pods=250${EVIL}`],
      'kube-apiserver-arg': [EVIL],
      'tls-san': [EVIL],
      disable: [EVIL],
      'cluster-domain': EVIL,
      'private-registry': EVIL,
    });
    expect(Object.keys(config)).not.toContain('https-listen-port');
    expect(seen[evilFile!]).toMatchObject({ kind: 'file', mode: 0o640, text: EVIL });
    expect(seen[b64File!]).toMatchObject({ text: EVIL });
    // The install script and K3s were started with constant arguments; K3s read its flags from the file.
    expect(seen['/etc/systemd/system/k3s.service']!.text).toContain('ExecStart=/usr/local/bin/k3s \\\n    server\n');
    expect(seen['/etc/systemd/system/k3s.service.env']!.text).toBe('');
    expect(JSON.parse(seen['/var/lib/rancher/k3s/server/standin-state.json']!.text!).argv).toEqual(['/usr/local/bin/k3s', 'server']);
    expect(seen[PWNED]).toBeNull();
    expect(existsSync(PWNED)).toBe(false);
  });

  it("are refused in every field that reaches the install script's environment or an argv", () => {
    const input = bootstrapInput(loadTemplate('baseline-k3s-v0.0.4.json'), emtProfile());
    const profile = input.osProfile;
    const embedded = profile.kubernetes!;
    const doc = JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json'));
    expect(fieldOf(() => parseTemplate({ ...doc, kubernetesVersion: `v1.32.4+k3s1$(touch ${PWNED})` }))).toBe('kubernetesVersion');
    for (const key of ['binaryPath', 'installScriptPath'] as const) {
      const evilProfile = { ...profile, kubernetes: { ...embedded, [key]: `/usr/local/bin/$(touch ${PWNED});\`x\`/k3s` } };
      expect(fieldOf(() => computeBootstrapPlan({ ...input, osProfile: evilProfile }))).toBe(`osProfile/kubernetes/${key}`);
    }
    const ubuntu = bootstrapInput(loadTemplate('baseline-k3s-v0.0.4.json'), ubuntuProfile());
    for (const mirrorUrl of [
      `http://m/$(touch ${PWNED})`,
      'http://m/`id`',
      'http://m/a;b',
      'http://m/a b',
      "http://m/'x'",
      'http://m/a\nb',
    ]) {
      expect(
        fieldOf(() => parseMirrorUrl(mirrorUrl)),
        mirrorUrl,
      ).toBe('mirrorUrl');
    }
    const serverUrl = `https://10.0.0.2:6443/;touch ${PWNED}`;
    expect(fieldOf(() => computeBootstrapPlan({ ...ubuntu, serverUrl, joinToken: 't' }))).toBe('serverUrl');
    expect(existsSync(PWNED)).toBe(false);
  });
});
