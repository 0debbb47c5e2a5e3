/** Every shared template and a matrix of clusters render to Cluster API objects that the upstream CRDs accept. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderClusterObject } from '../../src/render/capi/render-cluster-object.ts';
import { renderTemplateObjects } from '../../src/render/capi/render-template-objects.ts';
import { CRDS_DIR, SHARED_CRDS_DIR, createCrdValidator } from '../support/crd-schemas.ts';
import { clusterMatrix, sharedTemplates } from './capi-cases.ts';

const validator = createCrdValidator();
const NAMESPACE = 'edge-orch';
/** Kinds whose CRDs are not in test/formats/crds (the RKE2 and infrastructure providers'). */
const UNCHECKED = [
  'IntelClusterTemplate',
  'IntelMachineTemplate',
  'DockerClusterTemplate',
  'DockerMachineTemplate',
  'RKE2ControlPlaneTemplate',
  'RKE2ConfigTemplate',
];

describe('rendering templates for Cluster API', () => {
  it.each(sharedTemplates())('$file renders objects the upstream CRDs accept', ({ template }) => {
    const objects = renderTemplateObjects(template, NAMESPACE);
    for (const object of objects) {
      const problems = validator.validate(object as any);
      if (problems === null) expect(UNCHECKED, `${object.kind} has no CRD`).toContain(object.kind);
      else expect(problems, `${object.kind} ${object.metadata.name}`).toEqual([]);
    }
    const checked = objects.filter((o) => validator.validate(o as any) !== null).map((o) => o.kind);
    expect(checked).toContain('ClusterClass');
    if (template.flavor === 'k3s')
      expect(checked).toEqual(expect.arrayContaining(['KThreesControlPlaneTemplate', 'KThreesConfigTemplate']));
  });

  it('gives a K3s ClusterClass the airGapped variable, default false, patched into agentConfig.airGapped', () => {
    const k3s = sharedTemplates().find((t) => t.template.flavor === 'k3s')!.template;
    const objects = renderTemplateObjects(k3s, NAMESPACE);
    const clusterClass = objects.find((o) => o.kind === 'ClusterClass')!;
    expect(clusterClass.spec['variables']).toEqual([
      { name: 'airGapped', required: false, schema: { openAPIV3Schema: { type: 'boolean', default: false } } },
    ]);
    const [patch] = clusterClass.spec['patches'] as any[];
    expect(patch.definitions[0]).toEqual({
      selector: {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
        kind: 'KThreesControlPlaneTemplate',
        matchResources: { controlPlane: true },
      },
      jsonPatches: [
        { op: 'add', path: '/spec/template/spec/kthreesConfigSpec/agentConfig/airGapped', valueFrom: { variable: 'airGapped' } },
      ],
    });
    const controlPlane = objects.find((o) => o.kind === 'KThreesControlPlaneTemplate')! as any;
    // The template hard-codes true; the ClusterClass default is false and the cluster's variable decides.
    expect(controlPlane.spec.template.spec.kthreesConfigSpec.agentConfig.airGapped).toBe(false);
    expect(controlPlane.spec.template.spec.kthreesConfigSpec.serverConfig.kubeAPIServerArg).toContain(
      '--admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml',
    );
  });

  it('renders an RKE2 template to the RKE2 provider kinds without the airGapped variable', () => {
    const rke2 = sharedTemplates().find((t) => t.template.flavor === 'rke2')!.template;
    const objects = renderTemplateObjects(rke2, NAMESPACE);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['RKE2ControlPlaneTemplate', 'RKE2ConfigTemplate', 'ClusterClass']));
    const clusterClass = objects.find((o) => o.kind === 'ClusterClass')!;
    expect(clusterClass.spec['variables']).toBeUndefined();
    expect(clusterClass.spec['patches']).toBeUndefined();
  });
});

describe('rendering clusters for Cluster API', () => {
  it.each(clusterMatrix())('$what renders a Cluster the CRD accepts', ({ cluster, template }) => {
    const object = renderClusterObject(cluster, template, NAMESPACE);
    expect(validator.validate(object as any)).toEqual([]);
    for (const o of renderTemplateObjects(template, NAMESPACE)) expect(validator.validate(o as any) ?? []).toEqual([]);
  });

  it('sets airGapped from the OS profile, and replicas from the nodes’ roles', () => {
    const [emt, ubuntu, five] = clusterMatrix().map(
      ({ cluster, template }) => renderClusterObject(cluster, template, NAMESPACE).spec['topology'] as any,
    );
    expect(emt.variables).toEqual([{ name: 'airGapped', value: true }]);
    expect(emt.class).toBe('baseline-k3s-v0.0.4');
    expect(emt.version).toBe('v1.32.4+k3s1');
    expect(emt.controlPlane).toEqual({ replicas: 1 });
    expect(emt.workers).toBeUndefined();
    expect(ubuntu.variables).toEqual([{ name: 'airGapped', value: false }]);
    expect(five.controlPlane).toEqual({ replicas: 3 });
    expect(five.workers).toEqual({ machineDeployments: [{ class: 'default-worker', name: 'workers', replicas: 2 }] });
  });

  it('reports what a CRD refuses: a missing required field, a wrong type, an unknown field', () => {
    const { cluster, template } = clusterMatrix()[0]!;
    const object = renderClusterObject(cluster, template, NAMESPACE) as any;
    delete object.spec.topology.version;
    object.spec.topology.controlPlane.replicas = 'one';
    object.spec.topology.colour = 'blue';
    const messages = validator.validate(object)!.map((p) => `${p.path} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "/spec/topology must have required property 'version'",
        '/spec/topology/controlPlane/replicas must be integer',
        '/spec/topology must NOT have additional properties (colour)',
      ]),
    );
  });

  it('evaluates the CRDs’ condition-type rule and lists no other CEL rule as unevaluated', () => {
    const { cluster, template } = clusterMatrix()[0]!;
    const object = renderClusterObject(cluster, template, NAMESPACE) as any;
    object.spec.topology.controlPlane.machineHealthCheck = {
      unhealthyMachineConditions: [{ type: 'Ready', status: 'False', timeout: '5m' }],
    };
    expect(validator.validate(object)!.map((p) => p.message)).toContainEqual(expect.stringContaining('type must not be one of'));
    expect(validator.unevaluatedRules).toEqual([]);
  });
});

describe('docs/capi.md', () => {
  it('shows the YAML edge-orch renders for the EMT cluster', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/capi.md'), 'utf8');
    const shown = /### One EMT cluster[\s\S]*?```yaml\n([\s\S]*?)\n```/.exec(doc)![1]!;
    const { cluster, template } = clusterMatrix()[0]!;
    const objects = [...renderTemplateObjects(template, 'edge'), renderClusterObject(cluster, template, 'edge')];
    expect(parseAllDocuments(shown).map((d) => d.toJS())).toEqual(objects);
  });
});

describe('the committed copy of the upstream CRDs', () => {
  it.skipIf(!existsSync(SHARED_CRDS_DIR))('is byte-identical to ../shared/crds', () => {
    const shared = readdirSync(SHARED_CRDS_DIR).sort();
    expect(readdirSync(CRDS_DIR).sort()).toEqual(shared);
    for (const file of shared.filter((f) => f.endsWith('.yaml')))
      expect(readFileSync(join(CRDS_DIR, file)).equals(readFileSync(join(SHARED_CRDS_DIR, file))), file).toBe(true);
  });
});
