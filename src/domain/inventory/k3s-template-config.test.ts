import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { describe, expect, it } from 'vitest';
import { bootstrapInput, emtProfile, ubuntuProfile } from '../../../test/agent/support/plans.ts';
import { readFormat, templateFiles } from '../../../test/support/formats.ts';
import { BROKEN_TEMPLATES, ODD_TEMPLATES, templateVariant } from '../../../test/support/template-variants.ts';
import { computeBootstrapPlan } from '../bootstrap/bootstrap-plan.ts';
import { parseStoredControlPlaneConfig, parseTemplate, type ClusterTemplate } from './template.ts';

const k3sOf = (template: ClusterTemplate) => {
  if (template.config.kind !== 'k3s') throw new Error(`expected a K3s config, got ${template.config.kind}`);
  return template.config.k3s;
};

describe('the K3s config parsed at import', () => {
  it('types baseline-k3s v0.0.4: arguments without their leading --, settings, skipped files and commands', () => {
    const k3s = k3sOf(parseTemplate(JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json'))));
    expect(k3s.agent).toMatchObject({ airGapped: true, nodeName: null, nodeLabels: [], unknownKeys: [] });
    expect(k3s.agent.kubeletArgs[0]).toBe('topology-manager-policy=best-effort');
    expect(k3s.server).toMatchObject({
      kubeApiServerArgs: [
        expect.stringMatching(/^tls-cipher-suites=/),
        'admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml',
      ],
      clusterDomain: 'cluster.edge',
      disableComponents: ['metrics-server', 'traefik', 'etcd-proxy', 'servicelb'],
      disableCloudController: false,
      httpsListenPort: null,
      unknownKeys: [],
    });
    expect(k3s.files).toEqual([
      {
        kind: 'skip',
        path: '/var/lib/rancher/k3s/server/psa.yaml',
        reason: 'its content comes from secret "pod-security-admission-config" key "baseline.yaml", which the agent cannot read',
      },
    ]);
    expect(k3s.preK3sCommands).toHaveLength(2);
    expect(k3s.postK3sCommands).toEqual([]);
  });

  it('types files: base64 kept as given, permissions as bits, an owner other than root noted', () => {
    const k3s = k3sOf(parseTemplate(templateVariant(ODD_TEMPLATES.find((t) => t.what.startsWith('base64'))!.edit)));
    expect(k3s.files).toEqual([
      { kind: 'write', path: '/etc/rancher/k3s/a.bin', content: 'aGVsbG8=', mode: 0o600, encoding: 'base64', ignoredOwner: 'nobody' },
      { kind: 'write', path: '/etc/rancher/k3s/a.bin', content: 'again', mode: 0o644, encoding: 'utf8', ignoredOwner: null },
    ]);
  });

  it('reads ports given as numbers or numeric strings, and either spelling of the API server arguments', () => {
    const server = (edit: (spec: Record<string, any>) => void) => k3sOf(parseTemplate(templateVariant(edit))).server;
    expect(server(ODD_TEMPLATES.find((t) => t.what.startsWith('ports'))!.edit)).toMatchObject({
      httpsListenPort: 6443,
      advertisePort: 6443,
      bindAddress: null,
      clusterDNS: null,
    });
    expect(server(ODD_TEMPLATES.find((t) => t.what.startsWith('the CRD spelling'))!.edit).kubeApiServerArgs).toEqual([
      'anonymous-auth=false',
    ]);
  });

  it.each(BROKEN_TEMPLATES)('refuses $what, naming the EMF field', ({ edit, field, detail }) => {
    const error = expectAppError(() => parseTemplate(templateVariant(edit)));
    expect(error).toMatchObject({ code: 'InvalidField', status: 400, field, detail });
  });

  it('names the field controlPlane/… in edge-orch form', () => {
    const doc = templateVariant((s) => void (s.agentConfig.kubeletArgs = '--max-pods=250'));
    const own = {
      name: doc['name'],
      version: doc['version'],
      flavor: 'k3s',
      kubernetesVersion: doc['kubernetesVersion'],
      controlPlane: doc['clusterconfiguration'],
    };
    expect(expectAppError(() => parseTemplate(own)).field).toBe(
      'controlPlane/spec/template/spec/kthreesConfigSpec/agentConfig/kubeletArgs',
    );
  });
});

describe('parseStoredControlPlaneConfig (templates stored before import parsed their control plane)', () => {
  it('parses what today accepts, and marks refused what today refuses, naming the controlPlane field', () => {
    const good = parseTemplate(JSON.parse(readFormat('templates/baseline-k3s-v0.0.10.json')));
    expect(parseStoredControlPlaneConfig(good)).toEqual(good.config);
    const broken = structuredClone(good);
    (broken.controlPlane as any).spec.template.spec.kthreesConfigSpec.files[4].permissions = '0988';
    expect(parseStoredControlPlaneConfig(broken)).toEqual({
      kind: 'refused',
      field: 'controlPlane/spec/template/spec/kthreesConfigSpec/files/4/permissions',
      detail:
        'controlPlane/spec/template/spec/kthreesConfigSpec/files/4/permissions must be octal permissions such as "0644", got string "0988"',
    });
  });
});

/** Every template import accepts: the shared ones and the odd variants. */
const ACCEPTED: [string, ClusterTemplate][] = [
  ...templateFiles().map((file): [string, ClusterTemplate] => [file, parseTemplate(JSON.parse(readFormat(file)))]),
  ...ODD_TEMPLATES.map(({ what, edit }): [string, ClusterTemplate] => [what, parseTemplate(templateVariant(edit))]),
];

describe('computeBootstrapPlan for every template import accepts', () => {
  /** The EMT profile embedding the template's own K3s version, so the two are compatible (air-gapped). */
  const emtFor = (template: ClusterTemplate) => {
    const profile = emtProfile();
    return { ...profile, kubernetes: { ...profile.kubernetes!, version: template.kubernetesVersion } };
  };

  it.each(ACCEPTED.filter(([, t]) => t.flavor === 'k3s'))(
    'makes a plan for %s on EMT (air-gapped) and Ubuntu (download)',
    (_, template) => {
      expect(computeBootstrapPlan(bootstrapInput(template, emtFor(template))).mode).toBe('air-gapped');
      expect(computeBootstrapPlan(bootstrapInput(template, ubuntuProfile())).mode).toBe('download');
    },
  );

  it.each(ACCEPTED.filter(([, t]) => t.flavor === 'rke2'))('refuses %s only because the agent does not install RKE2', (_, template) => {
    for (const profile of [emtFor(template), ubuntuProfile()]) {
      expect(expectAppError(() => computeBootstrapPlan(bootstrapInput(template, profile))).detail).toMatch(
        /^RKE2 bootstrap by the agent is not supported yet/,
      );
    }
  });
});
