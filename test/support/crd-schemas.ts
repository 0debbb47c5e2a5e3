/**
 * The upstream CRDs the Cluster API tests validate against (test/formats/crds, byte-identical to ../shared/crds),
 * and a structural OpenAPI v3 validator built on Ajv.
 *
 * Checked: types, required, enum, pattern, lengths and counts, int-or-string, nullable, the formats int32, int64,
 * byte and date-time, unknown fields (refused where the schema neither lists them nor sets
 * additionalProperties or x-kubernetes-preserve-unknown-fields, as the API server's strict field validation does),
 * metadata name/namespace/labels, and the one x-kubernetes-validations rule shape these CRDs use
 * (`self in [...]` and its negation). Any other CEL rule is not evaluated: `unevaluatedRules` lists it.
 * Not checked: formats other than the four above, x-kubernetes-list-type uniqueness, defaults.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

export const CRDS_DIR = resolve(import.meta.dirname, '../formats/crds');
export const SHARED_CRDS_DIR = resolve(import.meta.dirname, '../../../shared/crds');

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: Record<string, unknown>;
}
export interface Crd {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  versions: CrdVersion[];
  /** The CRD document as read. */
  doc: Record<string, unknown>;
}

export function loadCrds(dir = CRDS_DIR): Crd[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const doc = parse(readFileSync(join(dir, f), 'utf8')) as any;
      return {
        group: doc.spec.group,
        kind: doc.spec.names.kind,
        plural: doc.spec.names.plural,
        namespaced: doc.spec.scope === 'Namespaced',
        versions: doc.spec.versions.map((v: any) => ({
          name: v.name,
          served: v.served,
          storage: v.storage,
          schema: v.schema.openAPIV3Schema,
        })),
        doc,
      };
    });
}

export interface SchemaProblem {
  path: string;
  message: string;
}

export interface CrdValidator {
  /** Problems of one object against its kind's schema; null when no CRD here defines its apiVersion and kind. */
  validate(object: Record<string, unknown>): SchemaProblem[] | null;
  /** CEL rules met in the schemas that the validator does not evaluate. */
  readonly unevaluatedRules: string[];
}

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^((?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export function createCrdValidator(crds: Crd[] = loadCrds()): CrdValidator {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  ajvFormats.default(ajv, ['date-time', 'byte']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  const unevaluatedRules = new Set<string>();
  ajv.addKeyword({
    keyword: 'x-edge-orch-cel',
    errors: true,
    validate: function celRules(rules: { rule: string; message?: string }[], data: unknown) {
      const failed = rules.filter((r) => evaluateRule(r.rule, data) === false);
      (celRules as any).errors = failed.map((r) => ({ keyword: 'x-kubernetes-validations', message: r.message ?? r.rule, params: {} }));
      return failed.length === 0;
    },
  });
  function evaluateRule(rule: string, self: unknown): boolean | null {
    const m = /^(!\()?self in \[((?:'[^']*',?\s*)*)\](\))?$/.exec(rule.trim());
    if (!m || Boolean(m[1]) !== Boolean(m[3])) {
      unevaluatedRules.add(rule);
      return null;
    }
    const list = [...m[2]!.matchAll(/'([^']*)'/g)].map((x) => x[1]);
    return list.includes(self as string) !== Boolean(m[1]);
  }
  const validators = new Map<string, ValidateFunction>();
  for (const crd of crds)
    for (const version of crd.versions)
      if (version.served) validators.set(`${crd.group}/${version.name}/${crd.kind}`, ajv.compile(rootSchema(version.schema)));

  return {
    get unevaluatedRules() {
      return [...unevaluatedRules];
    },
    validate(object) {
      const validate = validators.get(`${object['apiVersion']}/${object['kind']}`);
      if (!validate) return null;
      const problems: SchemaProblem[] = metadataProblems(object['metadata']);
      if (!validate(object)) problems.push(...(validate.errors ?? []).map(toProblem));
      return problems;
    },
  };
}

function toProblem(error: ErrorObject): SchemaProblem {
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params['additionalProperty'])})` : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${extra}` };
}

function metadataProblems(metadata: unknown): SchemaProblem[] {
  const meta = (metadata ?? {}) as { name?: unknown; namespace?: unknown; labels?: Record<string, unknown> };
  const problems: SchemaProblem[] = [];
  if (typeof meta.name !== 'string' || !DNS_SUBDOMAIN.test(meta.name))
    problems.push({ path: '/metadata/name', message: 'must be a DNS subdomain' });
  if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || !DNS_LABEL.test(meta.namespace)))
    problems.push({ path: '/metadata/namespace', message: 'must be a DNS label' });
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (!LABEL_KEY.test(key)) problems.push({ path: `/metadata/labels/${key}`, message: 'is not a valid label key' });
    if (typeof value !== 'string' || !LABEL_VALUE.test(value))
      problems.push({ path: `/metadata/labels/${key}`, message: 'is not a valid label value' });
  }
  return problems;
}

/** The object's metadata is ObjectMeta, which the API server checks itself (metadataProblems here), not the CRD. */
function rootSchema(schema: any): any {
  const out = toJsonSchema(schema);
  out.properties = { ...out.properties, metadata: { type: 'object' } };
  out.required = [...new Set([...(out.required ?? []), 'apiVersion', 'kind', 'metadata'])];
  return out;
}

const KEPT = [
  'type',
  'required',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
];
const FORMATS = ['int32', 'int64', 'byte', 'date-time'];

/** An OpenAPI v3 structural schema as the JSON Schema Ajv checks; every object without an open door is closed. */
function toJsonSchema(schema: any): any {
  const out: any = {};
  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  if (FORMATS.includes(schema.format)) out.format = schema.format;
  if (schema.exclusiveMinimum === true) out.exclusiveMinimum = out.minimum;
  if (schema.exclusiveMaximum === true) out.exclusiveMaximum = out.maximum;
  if (schema.exclusiveMinimum === true) delete out.minimum;
  if (schema.exclusiveMaximum === true) delete out.maximum;
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  for (const key of ['anyOf', 'allOf', 'oneOf'])
    if (Array.isArray(schema[key]) && !schema['x-kubernetes-int-or-string']) out[key] = schema[key].map((s: any) => toJsonSchema(s));
  if (schema.not) out.not = toJsonSchema(schema.not);
  if (schema.items) out.items = toJsonSchema(schema.items);
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toJsonSchema(v)]));
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-embedded-resource'] === true;
  if (schema.additionalProperties !== undefined)
    out.additionalProperties =
      typeof schema.additionalProperties === 'boolean' ? schema.additionalProperties : toJsonSchema(schema.additionalProperties);
  else if (schema.type === 'object' && !preserve) out.additionalProperties = false;
  if (Array.isArray(schema['x-kubernetes-validations'])) out['x-edge-orch-cel'] = schema['x-kubernetes-validations'];
  return out;
}
