/**
 * A K3s template's kthreesConfigSpec in the form the provider's CRD accepts: EMF templates spell the API server
 * flags `kubeApiServerArg` (the CRD: `kubeAPIServerArg`) and may give ports as numbers (the CRD: strings).
 * `airGapped` is always written, false: the ClusterClass patch sets it per cluster from the orchestrator's decision.
 */
import { isRecord, type Doc } from '../../domain/fields.ts';
import type { ClusterTemplate } from '../../domain/inventory/template.ts';

export function renderKthreesConfigSpec(template: Pick<ClusterTemplate, 'controlPlane' | 'kubernetesVersion'>): Doc {
  const given = withoutNulls(templateConfigSpec(template.controlPlane)) as Doc;
  const agentConfig = isRecord(given['agentConfig']) ? given['agentConfig'] : {};
  const spec: Doc = { ...given, agentConfig: { ...agentConfig, airGapped: false }, version: template.kubernetesVersion };
  if (isRecord(given['serverConfig'])) spec['serverConfig'] = serverConfigForCrd(given['serverConfig']);
  return spec;
}

/** The agents' part of the spec, for workers' KThreesConfigTemplate: no server settings. */
export function workerConfigSpec(kthreesConfigSpec: Doc): Doc {
  return Object.fromEntries(Object.entries(kthreesConfigSpec).filter(([key]) => key !== 'serverConfig'));
}

function serverConfigForCrd(server: Doc): Doc {
  const { kubeApiServerArg, ...rest } = server;
  const out: Doc = { ...rest };
  if (Array.isArray(kubeApiServerArg)) {
    out['kubeAPIServerArg'] = [...(Array.isArray(rest['kubeAPIServerArg']) ? rest['kubeAPIServerArg'] : []), ...kubeApiServerArg];
  }
  for (const port of ['httpsListenPort', 'advertisePort']) {
    if (typeof out[port] === 'number') out[port] = String(out[port]);
  }
  return out;
}

function templateConfigSpec(controlPlane: Doc | null): Doc {
  const spec = controlPlane?.['spec'];
  const template = isRecord(spec) ? spec['template'] : undefined;
  const inner = isRecord(template) ? template['spec'] : undefined;
  const config = isRecord(inner) ? inner['kthreesConfigSpec'] : undefined;
  return isRecord(config) ? config : {};
}

/** Structural schemas have no null: an absent field and a null one mean the same to the template's author. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
