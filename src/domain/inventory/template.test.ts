import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { describe, expect, it } from 'vitest';
import { readFormat, templateFiles } from '../../../test/support/formats.ts';
import { formatTemplateRef, parseTemplate, parseTemplateRef, templateAirGappedSetting, templateVersionSortKey } from './template.ts';

const readTemplate = (file: string): Record<string, any> => JSON.parse(readFormat(file));
const BASELINE_K3S = (): Record<string, any> => readTemplate('templates/baseline-k3s-v0.0.4.json');
const K3S_CONTROL_PLANE = {
  kind: 'KThreesControlPlaneTemplate',
  spec: { template: { spec: { kthreesConfigSpec: { version: 'v1.32.4+k3s1' } } } },
};
const EMPTY_K3S_CONFIG = {
  agent: {
    nodeName: null,
    nodeLabels: [],
    nodeTaints: [],
    kubeletArgs: [],
    kubeProxyArgs: [],
    privateRegistry: null,
    airGapped: null,
    unknownKeys: [],
  },
  server: {
    kubeApiServerArgs: [],
    kubeControllerManagerArgs: [],
    kubeSchedulerArgs: [],
    tlsSan: [],
    bindAddress: null,
    httpsListenPort: null,
    advertiseAddress: null,
    advertisePort: null,
    clusterCidr: null,
    serviceCidr: null,
    clusterDNS: null,
    clusterDomain: null,
    disableComponents: [],
    disableCloudController: null,
    systemDefaultRegistry: null,
    unknownKeys: [],
  },
  files: [],
  preK3sCommands: [],
  postK3sCommands: [],
};
const OWN = { name: 'edge-k3s', version: 'v1.0.0', flavor: 'k3s', kubernetesVersion: 'v1.32.4+k3s1', controlPlane: K3S_CONTROL_PLANE };

describe('parseTemplate with the real EMF templates', () => {
  it.each(templateFiles())('imports %s unchanged, taking the flavor from controlplaneprovidertype', (file) => {
    const doc = readTemplate(file);
    const template = parseTemplate(doc);
    expect(template).toMatchObject({
      name: doc['name'],
      version: doc['version'],
      flavor: doc['controlplaneprovidertype'],
      kubernetesVersion: doc['kubernetesVersion'],
      description: doc['description'],
      infraProviderType: 'intel',
      labels: doc['cluster-labels'],
    });
    expect(template.controlPlane).toBe(doc['clusterconfiguration']);
    expect(template.clusterNetwork).toEqual(doc['clusterNetwork']);
  });

  it('finds all five reference templates', () => {
    expect(templateFiles().sort()).toEqual([
      'templates/baseline-k3s-v0.0.10.json',
      'templates/baseline-k3s-v0.0.4.json',
      'templates/baseline-rke2-v2.0.2.json',
      'templates/privileged-k3s.json',
      'templates/restricted-k3s.json',
    ]);
  });

  it('reads baseline-k3s v0.0.4 as K3s v1.32.4+k3s1 with its network and the hard-coded airGapped', () => {
    const template = parseTemplate(BASELINE_K3S());
    expect(template).toMatchObject({
      name: 'baseline-k3s',
      version: 'v0.0.4',
      flavor: 'k3s',
      kubernetesVersion: 'v1.32.4+k3s1',
      clusterNetwork: { pods: { cidrBlocks: ['10.45.0.0/16'] }, services: { cidrBlocks: ['10.46.0.0/16'] } },
      labels: {},
    });
    expect(templateAirGappedSetting(template)).toBe(true);
  });

  it('reads baseline-k3s v0.0.10 as K3s v1.33.5+k3s1', () => {
    expect(parseTemplate(readTemplate('templates/baseline-k3s-v0.0.10.json'))).toMatchObject({
      version: 'v0.0.10',
      kubernetesVersion: 'v1.33.5+k3s1',
    });
  });

  it('reads the RKE2 template with its labels and no K3s settings', () => {
    const template = parseTemplate(readTemplate('templates/baseline-rke2-v2.0.2.json'));
    expect(template).toMatchObject({
      name: 'baseline',
      version: 'v2.0.2',
      flavor: 'rke2',
      kubernetesVersion: 'v1.30.10+rke2r1',
      labels: { 'default-extension': 'baseline' },
    });
    expect(template.controlPlane?.['kind']).toBe('RKE2ControlPlaneTemplate');
    expect(template.config).toEqual({ kind: 'rke2' });
    expect(templateAirGappedSetting(template)).toBeUndefined();
  });
});

describe('parseTemplate with edge-orch own form', () => {
  it('reads flavor, controlPlane and labels, with null for what is absent', () => {
    expect(parseTemplate({ ...OWN, labels: { team: 'edge' } })).toEqual({
      name: 'edge-k3s',
      version: 'v1.0.0',
      flavor: 'k3s',
      kubernetesVersion: 'v1.32.4+k3s1',
      description: null,
      controlPlane: K3S_CONTROL_PLANE,
      config: { kind: 'k3s', k3s: EMPTY_K3S_CONFIG },
      clusterNetwork: null,
      labels: { team: 'edge' },
      infraProviderType: null,
      unusedFields: {},
    });
  });

  it('rejects a flavor other than k3s or rke2, naming flavor', () => {
    const error = expectAppError(() => parseTemplate({ ...OWN, flavor: 'talos' }));
    expect(error.field).toBe('flavor');
    expect(error.detail).toBe('flavor must be "k3s" or "rke2", got "talos"');
  });

  it('accepts a template without a control plane, as cluster-manager does', () => {
    expect(parseTemplate({ ...OWN, controlPlane: undefined })).toMatchObject({ controlPlane: null, config: { kind: 'k3s' } });
  });

  it('rejects a control plane that is not an object, naming controlPlane and the expected kind', () => {
    const error = expectAppError(() => parseTemplate({ ...OWN, controlPlane: 'k3s' }));
    expect(error.field).toBe('controlPlane');
    expect(error.detail).toBe('controlPlane must be a KThreesControlPlaneTemplate object, got string "k3s"');
  });

  it('keeps fields it does not read, and reads back its own answer (get -o json imports)', () => {
    const template = parseTemplate({ ...OWN, owner: 'team-a' });
    expect(template.unusedFields).toEqual({ owner: 'team-a' });
    expect(parseTemplate(JSON.parse(JSON.stringify(template)))).toEqual(template);
  });
});

describe('parseTemplate errors (EMF form)', () => {
  const cases: [string, string, (doc: Record<string, any>) => void, string | RegExp][] = [
    [
      'name',
      'not a DNS subdomain',
      (d) => {
        d['name'] = 'Baseline K3s';
      },
      /^name "Baseline K3s" is not valid; expected lowercase letters, digits, "-" and "\."/,
    ],
    [
      'name',
      'missing',
      (d) => {
        delete d['name'];
      },
      /^name must be a non-empty string \(lowercase letters.*\), got nothing$/,
    ],
    [
      'version',
      'missing the leading v',
      (d) => {
        d['version'] = '0.0.4';
      },
      'version "0.0.4" is not valid; expected vX.Y.Z or vX.Y.Z-dev, for example v0.0.4',
    ],
    [
      'version',
      'missing the patch number',
      (d) => {
        d['version'] = 'v0.0';
      },
      'version "v0.0" is not valid; expected vX.Y.Z or vX.Y.Z-dev, for example v0.0.4',
    ],
    [
      'kubernetesVersion',
      'a pre-release, valid upstream',
      (d) => {
        d['kubernetesVersion'] = 'v1.32.4-rc1+k3s1';
      },
      /^kubernetesVersion "v1\.32\.4-rc1\+k3s1" is valid in cluster-manager but edge-orch installs released builds only/,
    ],
    [
      'kubernetesVersion',
      'not a version',
      (d) => {
        d['kubernetesVersion'] = '1.32';
      },
      /^kubernetesVersion "1\.32" is not a Kubernetes version; expected v<major>\.<minor>\.<patch>\+k3s<N>/,
    ],
    [
      'kubernetesVersion',
      'missing',
      (d) => {
        delete d['kubernetesVersion'];
      },
      /^kubernetesVersion must be a string, got nothing; expected v<major>/,
    ],
    [
      'controlplaneprovidertype',
      'an unknown provider',
      (d) => {
        d['controlplaneprovidertype'] = 'talos';
      },
      'controlplaneprovidertype must be "k3s" or "rke2", got "talos"',
    ],
    [
      'kubernetesVersion',
      'a K3s version in an rke2 template',
      (d) => {
        d['controlplaneprovidertype'] = 'rke2';
      },
      'kubernetesVersion v1.32.4+k3s1 is a k3s version but controlplaneprovidertype is rke2',
    ],
    [
      'clusterconfiguration',
      'a string, not an object',
      (d) => {
        d['clusterconfiguration'] = 'KThreesControlPlaneTemplate';
      },
      'clusterconfiguration must be a KThreesControlPlaneTemplate object, got string "KThreesControlPlaneTemplate"',
    ],
    [
      'clusterconfiguration/kind',
      'the RKE2 kind in a K3s template',
      (d) => {
        d['clusterconfiguration']['kind'] = 'RKE2ControlPlaneTemplate';
      },
      'clusterconfiguration/kind must be KThreesControlPlaneTemplate for a k3s template, got string "RKE2ControlPlaneTemplate"',
    ],
    [
      'clusterconfiguration/spec/template/spec/kthreesConfigSpec/version',
      'another version than kubernetesVersion',
      (d) => {
        d['clusterconfiguration']['spec']['template']['spec']['kthreesConfigSpec']['version'] = 'v1.33.5+k3s1';
      },
      'clusterconfiguration/spec/template/spec/kthreesConfigSpec/version string "v1.33.5+k3s1" differs from kubernetesVersion v1.32.4+k3s1',
    ],
    [
      'clusterNetwork',
      'a list',
      (d) => {
        d['clusterNetwork'] = ['10.45.0.0/16'];
      },
      'clusterNetwork must be an object with pods and services, got a list',
    ],
    [
      'clusterNetwork/pods/cidrBlocks',
      'a CIDR without prefix length',
      (d) => {
        d['clusterNetwork']['pods']['cidrBlocks'] = ['10.45.0.0'];
      },
      'clusterNetwork/pods/cidrBlocks must be a list of CIDRs such as 10.45.0.0/16, got a list',
    ],
    [
      'clusterNetwork/services/cidrBlocks',
      'a string, not a list',
      (d) => {
        d['clusterNetwork']['services']['cidrBlocks'] = '10.46.0.0/16';
      },
      'clusterNetwork/services/cidrBlocks must be a list of CIDRs such as 10.45.0.0/16, got string "10.46.0.0/16"',
    ],
    [
      'cluster-labels/bad key',
      'an invalid label key',
      (d) => {
        d['cluster-labels'] = { 'bad key': 'x' };
      },
      /^label key "bad key" is not valid; expected \[prefix\/\]name/,
    ],
    [
      'cluster-labels/team',
      'a number label value',
      (d) => {
        d['cluster-labels'] = { team: 7 };
      },
      /^label "team" has value number 7; expected a string of at most 63/,
    ],
    [
      'infraprovidertype',
      'a number',
      (d) => {
        d['infraprovidertype'] = 5;
      },
      'infraprovidertype must be a non-empty string, got number 5',
    ],
  ];

  it.each(cases)('names %s when it is %s', (field, _what, change, detail) => {
    const doc = BASELINE_K3S();
    change(doc);
    const error = expectAppError(() => parseTemplate(doc));
    expect(error.code).toBe('InvalidField');
    expect(error.status).toBe(400);
    expect(error.field).toBe(field);
    if (typeof detail === 'string') expect(error.detail).toBe(detail);
    else expect(error.detail).toMatch(detail);
  });

  it('rejects an RKE2 template whose clusterconfiguration is a K3s one', () => {
    const doc = readTemplate('templates/baseline-rke2-v2.0.2.json');
    doc['clusterconfiguration']['kind'] = 'KThreesControlPlaneTemplate';
    const error = expectAppError(() => parseTemplate(doc));
    expect(error.field).toBe('clusterconfiguration/kind');
    expect(error.detail).toBe(
      'clusterconfiguration/kind must be RKE2ControlPlaneTemplate for a rke2 template, got string "KThreesControlPlaneTemplate"',
    );
  });

  it('accepts a K3s template without kthreesConfigSpec/version (the template-level version rules)', () => {
    const doc = BASELINE_K3S();
    delete doc['clusterconfiguration']['spec']['template']['spec']['kthreesConfigSpec']['version'];
    expect(parseTemplate(doc).kubernetesVersion).toBe('v1.32.4+k3s1');
  });

  it('rejects a document that is not an object as MalformedDocument', () => {
    const error = expectAppError(() => parseTemplate('baseline-k3s'));
    expect(error.code).toBe('MalformedDocument');
    expect(error.detail).toBe('a cluster template must be a JSON object, got string "baseline-k3s"');
  });
});

describe('templateAirGappedSetting', () => {
  it('is undefined when the template does not hard-code agentConfig.airGapped', () => {
    expect(templateAirGappedSetting(parseTemplate(OWN))).toBeUndefined();
  });

  it('reads a hard-coded false, and ignores a value that is not a boolean', () => {
    const withAirGapped = (airGapped: unknown) =>
      parseTemplate({
        ...OWN,
        controlPlane: { ...K3S_CONTROL_PLANE, spec: { template: { spec: { kthreesConfigSpec: { agentConfig: { airGapped } } } } } },
      });
    expect(templateAirGappedSetting(withAirGapped(false))).toBe(false);
    expect(templateAirGappedSetting(withAirGapped('true'))).toBeUndefined();
  });

  it('is undefined for RKE2 and for a stored template refused today', () => {
    expect(templateAirGappedSetting({ config: { kind: 'rke2' } })).toBeUndefined();
    expect(templateAirGappedSetting({ config: { kind: 'refused', field: 'controlPlane', detail: 'x' } })).toBeUndefined();
  });
});

describe('parseTemplateRef', () => {
  it('splits name:version', () => {
    expect(parseTemplateRef('baseline-k3s:v0.0.4')).toEqual({ name: 'baseline-k3s', version: 'v0.0.4' });
  });

  it('ignores surrounding spaces', () => {
    expect(parseTemplateRef(' baseline-k3s:v0.0.10 ')).toEqual({ name: 'baseline-k3s', version: 'v0.0.10' });
  });

  it('formats back to name:version', () => {
    expect(formatTemplateRef(parseTemplateRef('baseline:v2.0.2'))).toBe('baseline:v2.0.2');
  });

  it.each(['baseline-k3s', 'baseline-k3s:0.0.4', 'Baseline:v0.0.4', ':v0.0.4', 'baseline-k3s:v0.0.4:extra', 'baseline-k3s:v0.0'])(
    'rejects %j, naming the field and the expected form',
    (text) => {
      const error = expectAppError(() => parseTemplateRef(text, 'K8sClusterTemplate'));
      expect(error.field).toBe('K8sClusterTemplate');
      expect(error.detail).toBe(
        `K8sClusterTemplate ${JSON.stringify(text)} is not a template reference; expected name:version, for example baseline-k3s:v0.0.4`,
      );
    },
  );

  it('rejects a non-string, saying what it got', () => {
    expect(expectAppError(() => parseTemplateRef(undefined)).detail).toBe(
      'template must be a string, got nothing; expected name:version, for example baseline-k3s:v0.0.4',
    );
  });
});

describe('templateVersionSortKey', () => {
  it('sorts versions by value, a -dev version before its release', () => {
    const versions = ['v0.0.10', 'v1.0.0', 'v0.0.4', 'v0.0.4-dev', 'v0.10.0', 'v0.9.1', 'v10.0.0'];
    const byKey = versions.sort((a, b) => (templateVersionSortKey(a) < templateVersionSortKey(b) ? -1 : 1));
    expect(byKey).toEqual(['v0.0.4-dev', 'v0.0.4', 'v0.0.10', 'v0.9.1', 'v0.10.0', 'v1.0.0', 'v10.0.0']);
  });
});
