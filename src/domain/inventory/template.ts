/**
 * Cluster templates: a named, versioned K3s or RKE2 configuration. The EMF TemplateInfo JSON
 * (`controlplaneprovidertype`, `clusterconfiguration`, `cluster-labels`) imports as is.
 */
import { AppError, invalidField } from '../errors.ts';
import { describe, isRecord, readLabels, readOptionalString, readString, DNS_SUBDOMAIN, DNS_SUBDOMAIN_FORM, type Doc } from '../fields.ts';
import { parseKubernetesVersion, type KubernetesFlavor } from '../compatibility/k8s-version.ts';
import { parsedProblems, parsedValue, type Parsed } from '../problem.ts';

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
  clusterNetwork: ClusterNetwork | null;
  labels: Record<string, string>;
  infraProviderType: string | null;
}

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
 * cluster-labels) or edge-orch's own (flavor, controlPlane, labels).
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
  const embeddedVersion = k3sConfigSpec(controlPlane)?.['version'];
  if (embeddedVersion !== undefined && embeddedVersion !== kubernetesVersion.raw) {
    throw invalidField(
      `${controlPlaneField}/spec/template/spec/kthreesConfigSpec/version`,
      `${controlPlaneField}/spec/template/spec/kthreesConfigSpec/version ${describe(embeddedVersion)} differs from kubernetesVersion ${kubernetesVersion.raw}`,
    );
  }
  return {
    name,
    version,
    flavor,
    kubernetesVersion: kubernetesVersion.raw,
    description: readOptionalString(doc, 'description', '') ?? null,
    controlPlane,
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

/** The kthreesConfigSpec of a K3s control-plane template, if the template has one. */
export function k3sConfigSpec(controlPlane: Doc): Doc | undefined {
  const spec = controlPlane['spec'];
  const template = isRecord(spec) ? spec['template'] : undefined;
  const inner = isRecord(template) ? template['spec'] : undefined;
  const config = isRecord(inner) ? inner['kthreesConfigSpec'] : undefined;
  return isRecord(config) ? config : undefined;
}

/** The template's own `agentConfig.airGapped`, if it hard-codes one (the orchestrator overrides it). */
export function templateAirGappedSetting(template: Pick<ClusterTemplate, 'controlPlane'>): boolean | undefined {
  const agentConfig = k3sConfigSpec(template.controlPlane)?.['agentConfig'];
  const value = isRecord(agentConfig) ? agentConfig['airGapped'] : undefined;
  return typeof value === 'boolean' ? value : undefined;
}
