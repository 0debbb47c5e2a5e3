/**
 * Templates as cluster-manager takes them: every default template imports, and its export is a TemplateInfo that
 * cluster-manager's own OpenAPI schema accepts and that imports back to the same template.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { clusterManagerTemplateFiles, readClusterManagerFile } from '../../../test/support/formats.ts';
import { formatTemplateInfo, parseTemplate } from './template.ts';

const schemaDocument = JSON.parse(readClusterManagerFile('template-info.schema.json'));
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(schemaDocument, 'openapi.yaml');
const validateTemplateInfo = ajv.getSchema('openapi.yaml#/components/schemas/TemplateInfo')!;
const accepted = (doc: unknown): string[] =>
  validateTemplateInfo(doc) ? [] : (validateTemplateInfo.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const FILES = clusterManagerTemplateFiles();
const MINIMAL = { name: 'edge', version: 'v1.0.0', kubernetesVersion: 'v1.32.4+k3s1' };

describe("cluster-manager's default templates", () => {
  it('are the three K3s templates', () => {
    expect(FILES).toEqual(['baseline-k3s.json', 'privileged-k3s.json', 'restricted-k3s.json']);
  });

  it.each(FILES)('imports %s, and exports it as the same document', (file) => {
    const doc = JSON.parse(readClusterManagerFile(file));
    expect(accepted(doc)).toEqual([]);
    expect(formatTemplateInfo(parseTemplate(doc))).toEqual(doc);
  });

  it.each(FILES)("exports %s as a TemplateInfo cluster-manager's schema accepts, which imports back unchanged", (file) => {
    const template = parseTemplate(JSON.parse(readClusterManagerFile(file)));
    const exported = JSON.parse(JSON.stringify(formatTemplateInfo(template)));
    expect(accepted(exported)).toEqual([]);
    expect(parseTemplate(exported)).toEqual(template);
  });
});

describe('templates cluster-manager accepts', () => {
  it.each([
    ['a -dev version', { ...MINIMAL, version: 'v1.0.0-dev' }],
    ['a Kubernetes version without a build (the flavor decides)', { ...MINIMAL, kubernetesVersion: 'v1.32.4' }],
    ['only name, version and kubernetesVersion', MINIMAL],
    ['the docker infrastructure provider', { ...MINIMAL, infraprovidertype: 'docker' }],
  ])('imports a template with %s, and exports one the schema accepts', (_what, doc) => {
    expect(accepted(doc)).toEqual([]);
    const template = parseTemplate(doc);
    expect(template.flavor).toBe('k3s');
    expect(accepted(JSON.parse(JSON.stringify(formatTemplateInfo(template))))).toEqual([]);
    expect(formatTemplateInfo(template)).toMatchObject(doc);
  });

  it('reads a missing controlplaneprovidertype as k3s and a missing clusterconfiguration as no settings', () => {
    const template = parseTemplate(MINIMAL);
    expect(template).toMatchObject({ flavor: 'k3s', controlPlane: null, config: { kind: 'k3s' } });
    expect(formatTemplateInfo(template)).not.toHaveProperty('clusterconfiguration');
  });

  it('keeps top-level fields it does not read and gives them back', () => {
    const template = parseTemplate({ ...MINIMAL, owner: 'team-a' });
    expect(formatTemplateInfo(template)).toMatchObject({ owner: 'team-a' });
  });
});

describe('templates cluster-manager refuses', () => {
  it.each([
    ['infraprovidertype', { ...MINIMAL, infraprovidertype: 'aws' }, /^infraprovidertype must be one of intel, docker, got "aws"$/],
    ['name', { ...MINIMAL, name: 'a'.repeat(64) }, /^name "a{64}" is not valid; expected .*at most 63 characters$/],
    ['version', { ...MINIMAL, version: 'v1.0.0-rc1' }, /^version "v1\.0\.0-rc1" is not valid; expected vX\.Y\.Z or vX\.Y\.Z-dev/],
    [
      'cluster-labels/team',
      { ...MINIMAL, 'cluster-labels': { team: 'edge_a' } },
      /^label "team" has value "edge_a"; cluster-manager expects/,
    ],
    ['cluster-labels/bad key', { ...MINIMAL, 'cluster-labels': { 'bad key': 'x' } }, /^label key "bad key" is not valid/],
  ])('refuses a bad %s, naming it', (field, doc, detail) => {
    expect(accepted(doc)).not.toEqual([]);
    const error = expectAppError(() => parseTemplate(doc));
    expect(error.field).toBe(field);
    expect(error.detail).toMatch(detail);
  });

  it('tells a kubeadm template that the flavor is not supported, not that its version is not a Kubernetes version', () => {
    const error = expectAppError(() =>
      parseTemplate({ ...MINIMAL, kubernetesVersion: 'v1.30.10', controlplaneprovidertype: 'kubeadm', infraprovidertype: 'docker' }),
    );
    expect(error.field).toBe('controlplaneprovidertype');
    expect(error.detail).toContain('the kubeadm flavor is not supported');
  });
});
