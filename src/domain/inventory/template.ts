/**
 * Cluster templates: a named, versioned K3s or RKE2 configuration. The EMF TemplateInfo JSON
 * (`controlplaneprovidertype`, `clusterconfiguration`, `cluster-labels`) imports as is.
 */
import { AppError, invalidField, isAppError } from '../errors.ts';
import { describe, isRecord, readLabels, readOptionalString, readString, type Doc } from '../fields.ts';
import {
  KUBERNETES_VERSION_FORM,
  parseKubernetesVersion,
  tryParseKubernetesVersion,
  type KubernetesFlavor,
} from '../compatibility/k8s-version.ts';
import { parsedProblems, parsedValue, type Parsed } from '../problem.ts';
import { parseK3sTemplateConfig, type K3sTemplateConfig } from './k3s-template-config.ts';
import { numberSortKey } from './number-sort-key.ts';

export interface ClusterNetwork {
  pods: { cidrBlocks: string[] };
  services: { cidrBlocks: string[] };
}

export interface ClusterTemplate {
  name: string;
  /** vX.Y.Z; a template version is immutable once created. */
  version: string;
  flavor: KubernetesFlavor;
  /** Exact upstream version, for example v1.32.4+k3s1. */
  kubernetesVersion: string;
  description: string | null;
  /** The control-plane template object as given (KThreesControlPlaneTemplate / RKE2ControlPlaneTemplate); null when absent. */
  controlPlane: Doc | null;
  /** What the orchestrator reads of `controlPlane`, parsed and checked at import. */
  config: ControlPlaneConfig;
  clusterNetwork: ClusterNetwork | null;
  labels: Record<string, string>;
  infraProviderType: string | null;
  /** Fields of the imported document edge-orch does not read, given back as they were by export. */
  unusedFields: Doc;
}

export type ControlPlaneConfig =
  | { kind: 'k3s'; k3s: K3sTemplateConfig }
  /** The agent does not install RKE2; nothing of its control plane is read. */
  | { kind: 'rke2' }
  /**
   * A template stored before its control plane was checked at import, which today's checks refuse: it still
   * lists, reads, exports and deletes, but no host installs it (its bootstrap plan is refused with this field).
   */
  | { kind: 'refused'; field: string; detail: string };

/** cluster-manager's TemplateInfo version: vX.Y.Z, or vX.Y.Z-dev. */
export const TEMPLATE_VERSION = /^(?=.{1,63}$)v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-dev)?$/;

/**
 * A template version's order as text compared by code point (SQLite's BINARY, PostgreSQL's "C" collation), so
 * the store sorts and pages versions in SQL: by major, minor and patch value, a -dev version before its
 * release (as SemVer ranks pre-releases). A version outside TEMPLATE_VERSION sorts after all, by its text.
 */
export function templateVersionSortKey(version: string): string {
  const m = TEMPLATE_VERSION.exec(version);
  if (!m) return `~${version}`;
  return `${numberSortKey(m[1]!)}/${numberSortKey(m[2]!)}/${numberSortKey(m[3]!)}/${m[4] ? 0 : 1}`;
}

const CONTROL_PLANE_KIND: Record<KubernetesFlavor, string> = {
  k3s: 'KThreesControlPlaneTemplate',
  rke2: 'RKE2ControlPlaneTemplate',
};

/** A template reference as users write it: `name:version` (for example baseline-k3s:v0.0.4). */
export interface TemplateRef {
  name: string;
  version: string;
}

/** A template reference, or what is wrong with the text (a sentence the caller prefixes with the field's name). */
export function checkTemplateRef(text: unknown): Parsed<TemplateRef, string> {
  const m = typeof text === 'string' ? /^([^:]+):(v[^:]+)$/.exec(text.trim()) : null;
  if (!m || !TEMPLATE_NAME.test(m[1]!) || !TEMPLATE_VERSION.test(m[2]!)) {
    const given =
      typeof text === 'string' ? `${JSON.stringify(text)} is not a template reference` : `must be a string, got ${describe(text)}`;
    return parsedProblems(`${given}; expected name:version, for example baseline-k3s:v0.0.4`);
  }
  return parsedValue({ name: m[1]!, version: m[2]! });
}

export function parseTemplateRef(text: unknown, field = 'template'): TemplateRef {
  const checked = checkTemplateRef(text);
  if (!checked.ok) throw invalidField(field, `${field} ${checked.problems.join('; ')}`);
  return checked.value;
}

export const formatTemplateRef = (t: TemplateRef): string => `${t.name}:${t.version}`;

/** Top-level fields of each form that edge-orch reads; any other field is kept in `unusedFields` and given back. */
const EMF_FIELDS = [
  'name',
  'version',
  'kubernetesVersion',
  'description',
  'controlplaneprovidertype',
  'infraprovidertype',
  'clusterconfiguration',
  'clusterNetwork',
  'cluster-labels',
];
const OWN_FIELDS = [
  'name',
  'version',
  'kubernetesVersion',
  'description',
  'flavor',
  'infraProviderType',
  'controlPlane',
  'clusterNetwork',
  'labels',
  'unusedFields',
  // Read-only members of the API's answer, so `template get -o json` imports back.
  'config',
  'compatibility',
];

/**
 * Validates a template in either form: EMF TemplateInfo JSON (controlplaneprovidertype, clusterconfiguration,
 * cluster-labels; cluster-manager's api/openapi/openapi.yaml decides what is valid) or edge-orch's own (flavor,
 * controlPlane, labels). A document with `flavor` or `controlPlane` is edge-orch's; any other is TemplateInfo,
 * where only name, version and kubernetesVersion are required. A K3s template's whole kthreesConfigSpec is
 * checked here, so every template it accepts yields a bootstrap plan.
 */
export function parseTemplate(doc: unknown): ClusterTemplate {
  if (!isRecord(doc)) throw new AppError('MalformedDocument', `a cluster template must be a JSON object, got ${describe(doc)}`);
  const emf = !('flavor' in doc) && !('controlPlane' in doc);
  const flavorField = emf ? 'controlplaneprovidertype' : 'flavor';
  const controlPlaneField = emf ? 'clusterconfiguration' : 'controlPlane';
  const labelsField = emf ? 'cluster-labels' : 'labels';
  const infraField = emf ? 'infraprovidertype' : 'infraProviderType';

  const name = readString(doc, 'name', '', { pattern: TEMPLATE_NAME, expected: TEMPLATE_NAME_FORM });
  const version = readString(doc, 'version', '', { pattern: TEMPLATE_VERSION, expected: TEMPLATE_VERSION_FORM });
  // cluster-manager's default flavor; checked before the version so a kubeadm template is told about its flavor.
  const flavor = emf && (doc[flavorField] === undefined || doc[flavorField] === null) ? 'k3s' : readString(doc, flavorField, '');
  if (flavor === 'kubeadm') {
    throw invalidField(flavorField, `${flavorField} is kubeadm: the kubeadm flavor is not supported; edge-orch installs k3s (or rke2)`);
  }
  if (flavor !== 'k3s' && flavor !== 'rke2') {
    throw invalidField(flavorField, `${flavorField} must be "k3s" or "rke2", got ${JSON.stringify(flavor)}`);
  }
  const kubernetesVersion = parseTemplateKubernetesVersion(doc['kubernetesVersion'], flavor, flavorField);
  const controlPlane = readControlPlane(doc[controlPlaneField], flavor, controlPlaneField);
  const description = readOptionalString(doc, 'description', '') ?? null;
  if (description !== null && description.length > 4096) {
    throw invalidField('description', `description has ${description.length} characters; at most 4096 are allowed`);
  }
  const infraProviderType = readOptionalString(doc, infraField, '') ?? null;
  if (infraProviderType !== null && !INFRA_PROVIDER_TYPES.includes(infraProviderType)) {
    throw invalidField(
      infraField,
      `${infraField} must be one of ${INFRA_PROVIDER_TYPES.join(', ')}, got ${JSON.stringify(infraProviderType)}`,
    );
  }
  return {
    name,
    version,
    flavor,
    kubernetesVersion,
    description,
    controlPlane,
    config: parseControlPlaneConfig(flavor, controlPlane ?? {}, controlPlaneField, kubernetesVersion),
    clusterNetwork: parseClusterNetwork(doc['clusterNetwork']),
    labels: readTemplateLabels(doc[labelsField], labelsField),
    infraProviderType,
    unusedFields: emf ? unusedFieldsOf(doc, EMF_FIELDS) : { ...readUnusedFields(doc), ...unusedFieldsOf(doc, OWN_FIELDS) },
  };
}

/** cluster-manager's TemplateInfo name: a DNS subdomain of at most 63 characters. */
export const TEMPLATE_NAME = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TEMPLATE_NAME_FORM = 'lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 63 characters';
const TEMPLATE_VERSION_FORM = 'vX.Y.Z or vX.Y.Z-dev, for example v0.0.4';
const INFRA_PROVIDER_TYPES = ['intel', 'docker'];
/** cluster-manager's cluster-labels value pattern (stricter than Kubernetes: no "_", not one character). */
const CLUSTER_LABEL_VALUE = /^$|^[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]$/;

/**
 * The template's Kubernetes version. A bare vX.Y.Z (cluster-manager lets the flavor decide the build) is kept as
 * given; a build suffix must be the flavor's. Pre-release versions are valid upstream but refused here on purpose:
 * edge-orch installs released K3s builds only.
 */
function parseTemplateKubernetesVersion(value: unknown, flavor: KubernetesFlavor, flavorField: string): string {
  if (typeof value === 'string' && BARE_KUBERNETES_VERSION.test(value)) return value;
  if (typeof value === 'string' && !tryParseKubernetesVersion(value) && UPSTREAM_KUBERNETES_VERSION.test(value)) {
    throw invalidField(
      'kubernetesVersion',
      `kubernetesVersion ${JSON.stringify(value)} is valid in cluster-manager but edge-orch installs released builds only; expected vX.Y.Z or ${KUBERNETES_VERSION_FORM}`,
    );
  }
  const parsed = parseKubernetesVersion(value, 'kubernetesVersion');
  if (parsed.flavor !== flavor) {
    throw invalidField(
      'kubernetesVersion',
      `kubernetesVersion ${parsed.raw} is a ${parsed.flavor} version but ${flavorField} is ${flavor}`,
    );
  }
  return parsed.raw;
}

/** A version without a distribution build (v1.32.4): the flavor and the OS profile decide the build. */
export const BARE_KUBERNETES_VERSION = /^v(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$/;
const UPSTREAM_KUBERNETES_VERSION = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function readControlPlane(value: unknown, flavor: KubernetesFlavor, field: string): Doc | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw invalidField(field, `${field} must be a ${CONTROL_PLANE_KIND[flavor]} object, got ${describe(value)}`);
  if (value['kind'] !== CONTROL_PLANE_KIND[flavor]) {
    throw invalidField(
      `${field}/kind`,
      `${field}/kind must be ${CONTROL_PLANE_KIND[flavor]} for a ${flavor} template, got ${describe(value['kind'])}`,
    );
  }
  return value;
}

function readTemplateLabels(value: unknown, field: string): Record<string, string> {
  const labels = readLabels(value, field);
  for (const [key, v] of Object.entries(labels)) {
    if (!CLUSTER_LABEL_VALUE.test(v)) {
      throw invalidField(
        `${field}/${key}`,
        `label ${JSON.stringify(key)} has value ${JSON.stringify(v)}; cluster-manager expects letters, digits, "-" and ".", starting and ending with a letter or digit, or nothing`,
      );
    }
  }
  return labels;
}

function unusedFieldsOf(doc: Doc, known: string[]): Doc {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !known.includes(key)));
}

function readUnusedFields(doc: Doc): Doc {
  const value = doc['unusedFields'];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalidField('unusedFields', `unusedFields must be an object, got ${describe(value)}`);
  return value;
}

/**
 * The template as cluster-manager's TemplateInfo (POST /v2/templates): what `template export` writes. Fields
 * that were imported and not used come back as they were.
 */
export function formatTemplateInfo(template: ClusterTemplate): Doc {
  return {
    name: template.name,
    version: template.version,
    kubernetesVersion: template.kubernetesVersion,
    ...(template.description !== null ? { description: template.description } : {}),
    controlplaneprovidertype: template.flavor,
    ...(template.infraProviderType !== null ? { infraprovidertype: template.infraProviderType } : {}),
    ...(template.controlPlane !== null ? { clusterconfiguration: template.controlPlane } : {}),
    ...(template.clusterNetwork !== null ? { clusterNetwork: template.clusterNetwork } : {}),
    'cluster-labels': template.labels,
    ...template.unusedFields,
  };
}

function parseClusterNetwork(value: unknown): ClusterNetwork | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value))
    throw invalidField('clusterNetwork', `clusterNetwork must be an object with pods and services, got ${describe(value)}`);
  const blocks = (key: 'pods' | 'services'): string[] => {
    const part = value[key];
    const list = isRecord(part) ? part['cidrBlocks'] : undefined;
    if (list === undefined) return [];
    if (!Array.isArray(list) || !list.every((c) => typeof c === 'string' && CIDR.test(c))) {
      throw invalidField(
        `clusterNetwork/${key}/cidrBlocks`,
        `clusterNetwork/${key}/cidrBlocks must be a list of CIDRs such as 10.45.0.0/16, got ${describe(list)}`,
      );
    }
    return list as string[];
  };
  return { pods: { cidrBlocks: blocks('pods') }, services: { cidrBlocks: blocks('services') } };
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

function parseControlPlaneConfig(
  flavor: KubernetesFlavor,
  controlPlane: Doc,
  controlPlaneField: string,
  kubernetesVersion: string,
): ControlPlaneConfig {
  return flavor === 'k3s'
    ? { kind: 'k3s', k3s: parseK3sTemplateConfig(controlPlane, controlPlaneField, kubernetesVersion) }
    : { kind: 'rke2' };
}

/**
 * The config of a template stored before it was parsed at import (its document is the stored ClusterTemplate,
 * so fields are named controlPlane/…). Never throws: what today's checks refuse becomes `refused`.
 */
export function parseStoredControlPlaneConfig(
  template: Pick<ClusterTemplate, 'flavor' | 'controlPlane' | 'kubernetesVersion'>,
): ControlPlaneConfig {
  try {
    return parseControlPlaneConfig(template.flavor, template.controlPlane ?? {}, 'controlPlane', template.kubernetesVersion);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: 'refused', field: error.field ?? 'controlPlane', detail: error.detail };
  }
}

/** The template's own `agentConfig.airGapped`, if it hard-codes one (the orchestrator overrides it). */
export function templateAirGappedSetting(template: Pick<ClusterTemplate, 'config'>): boolean | undefined {
  return template.config.kind === 'k3s' ? (template.config.k3s.agent.airGapped ?? undefined) : undefined;
}
