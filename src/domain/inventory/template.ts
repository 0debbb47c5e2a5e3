/**
 * Cluster templates: a named, versioned K3s or RKE2 configuration. The EMF TemplateInfo JSON
 * (`controlplaneprovidertype`, `clusterconfiguration`, `cluster-labels`) imports as is.
 */
import { AppError, invalidField, isAppError } from '../errors.ts';
import { describe, isRecord, readLabels, readOptionalString, readString, DNS_SUBDOMAIN, DNS_SUBDOMAIN_FORM, type Doc } from '../fields.ts';
import { parseKubernetesVersion, type KubernetesFlavor } from '../compatibility/k8s-version.ts';
import { parsedProblems, parsedValue, type Parsed } from '../problem.ts';
import { parseK3sTemplateConfig, type K3sTemplateConfig } from './k3s-template-config.ts';

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
  /** The control-plane template object as given (KThreesControlPlaneTemplate / RKE2ControlPlaneTemplate). */
  controlPlane: Doc;
  /** What the orchestrator reads of `controlPlane`, parsed and checked at import. */
  config: ControlPlaneConfig;
  clusterNetwork: ClusterNetwork | null;
  labels: Record<string, string>;
  infraProviderType: string | null;
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

export const TEMPLATE_VERSION = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

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
  if (!m || !DNS_SUBDOMAIN.test(m[1]!) || !TEMPLATE_VERSION.test(m[2]!)) {
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

/**
 * Validates a template in either form: EMF TemplateInfo JSON (controlplaneprovidertype, clusterconfiguration,
 * cluster-labels) or edge-orch's own (flavor, controlPlane, labels). A K3s template's whole kthreesConfigSpec is
 * checked here, so every template it accepts yields a bootstrap plan.
 */
export function parseTemplate(doc: unknown): ClusterTemplate {
  if (!isRecord(doc)) throw new AppError('MalformedDocument', `a cluster template must be a JSON object, got ${describe(doc)}`);
  const emf = 'controlplaneprovidertype' in doc || 'clusterconfiguration' in doc;
  const flavorField = emf ? 'controlplaneprovidertype' : 'flavor';
  const controlPlaneField = emf ? 'clusterconfiguration' : 'controlPlane';
  const labelsField = emf ? 'cluster-labels' : 'labels';

  const name = readString(doc, 'name', '', { pattern: DNS_SUBDOMAIN, expected: DNS_SUBDOMAIN_FORM });
  const version = readString(doc, 'version', '', { pattern: TEMPLATE_VERSION, expected: 'vX.Y.Z, for example v0.0.4' });
  const kubernetesVersion = parseKubernetesVersion(doc['kubernetesVersion'], 'kubernetesVersion');
  const flavor = readString(doc, flavorField, '');
  if (flavor !== 'k3s' && flavor !== 'rke2') {
    throw invalidField(flavorField, `${flavorField} must be "k3s" or "rke2", got ${JSON.stringify(flavor)}`);
  }
  if (kubernetesVersion.flavor !== flavor) {
    throw invalidField(
      'kubernetesVersion',
      `kubernetesVersion ${kubernetesVersion.raw} is a ${kubernetesVersion.flavor} version but ${flavorField} is ${flavor}`,
    );
  }
  const controlPlane = doc[controlPlaneField];
  if (!isRecord(controlPlane)) {
    throw invalidField(
      controlPlaneField,
      `${controlPlaneField} must be a ${CONTROL_PLANE_KIND[flavor]} object, got ${describe(controlPlane)}`,
    );
  }
  if (controlPlane['kind'] !== CONTROL_PLANE_KIND[flavor]) {
    throw invalidField(
      `${controlPlaneField}/kind`,
      `${controlPlaneField}/kind must be ${CONTROL_PLANE_KIND[flavor]} for a ${flavor} template, got ${describe(controlPlane['kind'])}`,
    );
  }
  return {
    name,
    version,
    flavor,
    kubernetesVersion: kubernetesVersion.raw,
    description: readOptionalString(doc, 'description', '') ?? null,
    controlPlane,
    config: parseControlPlaneConfig(flavor, controlPlane, controlPlaneField, kubernetesVersion.raw),
    clusterNetwork: parseClusterNetwork(doc['clusterNetwork']),
    labels: readLabels(doc[labelsField], labelsField),
    infraProviderType: readOptionalString(doc, emf ? 'infraprovidertype' : 'infraProviderType', '') ?? null,
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
    return parseControlPlaneConfig(template.flavor, template.controlPlane, 'controlPlane', template.kubernetesVersion);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: 'refused', field: error.field ?? 'controlPlane', detail: error.detail };
  }
}

/** The template's own `agentConfig.airGapped`, if it hard-codes one (the orchestrator overrides it). */
export function templateAirGappedSetting(template: Pick<ClusterTemplate, 'config'>): boolean | undefined {
  return template.config.kind === 'k3s' ? (template.config.k3s.agent.airGapped ?? undefined) : undefined;
}
