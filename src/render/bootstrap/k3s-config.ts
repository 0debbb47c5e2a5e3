/**
 * The K3s config file (/etc/rancher/k3s/config.yaml) and the files the agent writes before running the
 * install script. K3s reads its flags from this file, so nothing the template says reaches a command line.
 */
import { stringify } from 'yaml';
import type { BootstrapPlan } from '../../domain/bootstrap/bootstrap-plan.ts';
import type { K3sConfig, PlanFile } from '../../domain/bootstrap/k3s-config.ts';
import { K3S_HOST_PATHS } from '../../domain/bootstrap/k3s-host-paths.ts';

const HEADER = '# Written by the edge-orch agent; K3s reads it at start. Changes are overwritten by the next install.\n';

/** YAML with every string quoted as needed by the serializer and never folded, so values arrive byte for byte. */
export function renderK3sConfig(config: K3sConfig): string {
  return HEADER + stringify(config, { lineWidth: 0, minContentWidth: 0 });
}

/** The template's files in order, then the K3s config (0600: it may hold the join token). */
export function renderBootstrapFiles(plan: Pick<BootstrapPlan, 'templateFiles' | 'k3sConfig'>): PlanFile[] {
  return [
    ...plan.templateFiles,
    { path: K3S_HOST_PATHS.configFile, content: renderK3sConfig(plan.k3sConfig), mode: 0o600, encoding: 'utf8' },
  ];
}
