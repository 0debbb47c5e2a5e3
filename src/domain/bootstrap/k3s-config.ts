/**
 * The K3s config file and the template's files for one node, computed from the template's typed config (checked
 * at import, so nothing here can fail on it), the node's role and how it joins the cluster.
 */
import type { NodeRole } from '../inventory/cluster.ts';
import { findAuthSwitchedOff } from './auth-off-settings.ts';
import type { K3sTemplateConfig } from '../inventory/k3s-template-config.ts';
import type { ClusterNetwork } from '../inventory/template.ts';

/** A file to write: absolute normalized path, permission bits (0o644), content as text or base64 (`encoding: base64`). */
export interface PlanFile {
  path: string;
  content: string;
  mode: number;
  encoding: 'utf8' | 'base64';
}

/** K3s config-file keys (K3s's flag names without `--`) by value type. */
export type K3sListKey =
  | 'node-label'
  | 'node-taint'
  | 'kubelet-arg'
  | 'kube-proxy-arg'
  | 'kube-apiserver-arg'
  | 'kube-controller-manager-arg'
  | 'kube-scheduler-arg'
  | 'tls-san'
  | 'disable';
export type K3sStringKey =
  | 'server'
  | 'token'
  | 'private-registry'
  | 'bind-address'
  | 'advertise-address'
  | 'cluster-cidr'
  | 'service-cidr'
  | 'cluster-dns'
  | 'cluster-domain'
  | 'system-default-registry';

/** The K3s config file (/etc/rancher/k3s/config.yaml), in the order the keys are set. */
export type K3sConfig = { 'node-name': string } & Partial<
  Record<K3sListKey, string[]> &
    Record<K3sStringKey, string> &
    Record<'https-listen-port' | 'advertise-port', number> &
    Record<'cluster-init' | 'disable-cloud-controller', boolean>
>;

/** Every key edge-orch may set in the K3s config file (the agent refuses a config with any other). */
export const K3S_CONFIG_KEYS = [
  'node-name',
  'node-label',
  'node-taint',
  'kubelet-arg',
  'kube-proxy-arg',
  'kube-apiserver-arg',
  'kube-controller-manager-arg',
  'kube-scheduler-arg',
  'tls-san',
  'disable',
  'server',
  'token',
  'private-registry',
  'bind-address',
  'advertise-address',
  'cluster-cidr',
  'service-cidr',
  'cluster-dns',
  'cluster-domain',
  'system-default-registry',
  'https-listen-port',
  'advertise-port',
  'cluster-init',
  'disable-cloud-controller',
] as const satisfies readonly (keyof K3sConfig)[];

/** How this node joins: the first server's URL and the token, or (first server) whether it initialises etcd. */
export type JoinSettings = Pick<K3sConfig, 'server' | 'token'> & { clusterInit: boolean };

export interface K3sConfigInput {
  config: K3sTemplateConfig;
  clusterNetwork: ClusterNetwork | null;
  clusterName: string;
  hostName: string;
  role: NodeRole;
  join: JoinSettings;
}

const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane:NoSchedule';
/** A node label naming the cluster, so nodes can be told apart from anything else on the host. */
export const CLUSTER_NODE_LABEL = 'edge-orch.io/cluster';

/** The config file, the template's files to write, and what of the template is not applied (in template order). */
export function computeK3sConfig({ config, clusterNetwork, clusterName, hostName, role, join }: K3sConfigInput): {
  k3sConfig: K3sConfig;
  templateFiles: PlanFile[];
  warnings: string[];
} {
  const { files, skipped, warnings } = templateFilesToWrite(config);
  const { agent, server } = config;
  const k3sConfig: K3sConfig = { 'node-name': hostName };
  if (join.server !== undefined) k3sConfig.server = join.server;
  if (join.token !== undefined) k3sConfig.token = join.token;
  if (join.clusterInit) k3sConfig['cluster-init'] = true;

  if (agent.nodeName !== null && agent.nodeName !== hostName) {
    warnings.push(`agentConfig.nodeName ${JSON.stringify(agent.nodeName)} is not used; the node is named after host ${hostName}`);
  }
  setList(k3sConfig, 'node-label', [...agent.nodeLabels, `${CLUSTER_NODE_LABEL}=${clusterName}`]);
  setList(k3sConfig, 'node-taint', [...agent.nodeTaints, ...(role === 'controlplane' ? [CONTROL_PLANE_TAINT] : [])]);
  setList(k3sConfig, 'kubelet-arg', agent.kubeletArgs);
  setList(k3sConfig, 'kube-proxy-arg', agent.kubeProxyArgs);
  setString(k3sConfig, 'private-registry', agent.privateRegistry);
  for (const key of agent.unknownKeys) warnings.push(`agentConfig.${key} is not applied by the agent`);

  if (role !== 'worker') {
    setList(k3sConfig, 'kube-apiserver-arg', server.kubeApiServerArgs);
    setList(k3sConfig, 'kube-controller-manager-arg', server.kubeControllerManagerArgs);
    setList(k3sConfig, 'kube-scheduler-arg', server.kubeSchedulerArgs);
    setList(k3sConfig, 'tls-san', server.tlsSan);
    setString(k3sConfig, 'bind-address', server.bindAddress);
    if (server.httpsListenPort !== null) k3sConfig['https-listen-port'] = server.httpsListenPort;
    setString(k3sConfig, 'advertise-address', server.advertiseAddress);
    if (server.advertisePort !== null) k3sConfig['advertise-port'] = server.advertisePort;
    // The template's clusterNetwork wins over serverConfig's CIDRs.
    const pods = clusterNetwork?.pods.cidrBlocks ?? [];
    const services = clusterNetwork?.services.cidrBlocks ?? [];
    setString(k3sConfig, 'cluster-cidr', pods.length > 0 ? pods.join(',') : server.clusterCidr);
    setString(k3sConfig, 'service-cidr', services.length > 0 ? services.join(',') : server.serviceCidr);
    setString(k3sConfig, 'cluster-dns', server.clusterDNS);
    setString(k3sConfig, 'cluster-domain', server.clusterDomain);
    setList(k3sConfig, 'disable', server.disableComponents);
    if (server.disableCloudController !== null) k3sConfig['disable-cloud-controller'] = server.disableCloudController;
    setString(k3sConfig, 'system-default-registry', server.systemDefaultRegistry);
    for (const key of server.unknownKeys) warnings.push(`serverConfig.${key} is not applied by the agent`);
  }
  for (const path of skipped) {
    for (const [key, value] of Object.entries(k3sConfig)) {
      if (Array.isArray(value) && value.some((v) => v.includes(path))) warnings.push(`${key} refers to ${path}, which is not written`);
    }
  }
  warnings.push(...findAuthSwitchedOff(k3sConfig));
  config.preK3sCommands.forEach((command, i) => warnings.push(notRun('preK3sCommands', i, command)));
  config.postK3sCommands.forEach((command, i) => warnings.push(notRun('postK3sCommands', i, command)));
  return { k3sConfig, templateFiles: files, warnings };
}

const notRun = (key: string, i: number, command: string): string =>
  `not run: ${key}[${i}] ${JSON.stringify(command)} (the agent does not run template commands)`;

function setList(config: K3sConfig, key: K3sListKey, list: string[]): void {
  if (list.length > 0) config[key] = list;
}

function setString(config: K3sConfig, key: K3sStringKey, value: string | null): void {
  if (value !== null) config[key] = value;
}

/** The files the agent writes (a path listed twice: the later entry wins), the paths it skips, and why. */
function templateFilesToWrite({ files: entries }: K3sTemplateConfig): { files: PlanFile[]; skipped: string[]; warnings: string[] } {
  const files: PlanFile[] = [];
  const skipped: string[] = [];
  const warnings: string[] = [];
  entries.forEach((entry, i) => {
    const { path } = entry;
    if (entry.kind === 'skip') {
      warnings.push(`files[${i}] ${path} is not written: ${entry.reason}`);
      skipped.push(path);
      return;
    }
    if (entry.ignoredOwner !== null) {
      warnings.push(`files[${i}] ${path}: owner ${JSON.stringify(entry.ignoredOwner)} is not applied; root owns it`);
    }
    const earlier = files.findIndex((f) => f.path === path);
    if (earlier >= 0) {
      warnings.push(`files[${i}] ${path} is listed twice; the later entry wins`);
      files.splice(earlier, 1);
    }
    files.push({ path, content: entry.content, mode: entry.mode, encoding: entry.encoding });
  });
  return { files, skipped, warnings };
}
