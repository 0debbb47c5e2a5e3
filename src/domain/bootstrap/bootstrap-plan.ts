/**
 * What the agent does to put K3s on one host, decided without touching it: air-gapped or download (from
 * computeCompatibility, never from the template), the K3s config (as K3s config-file keys), the template's
 * extra files, how the install script is run and what is checked before and after. The texts (config.yaml,
 * the install script's environment) are rendered by render/bootstrap; the agent executes the result.
 */
import type { Cluster, NodeRole } from '../inventory/cluster.ts';
import { computeCompatibility } from '../compatibility/compatibility.ts';
import { AppError, invalidField } from '../errors.ts';
import { describe, isRecord, readOptionalRecord, type Doc } from '../fields.ts';
import type { Host } from '../inventory/host.ts';
import type { AirgapImageFile } from '../inventory/image-manifest.ts';
import { formatTemplateRef, k3sConfigSpec, type ClusterTemplate } from '../inventory/template.ts';
import type { OsProfile, OsType } from '../inventory/os-profile.ts';
import { parseKubernetesVersion } from '../compatibility/k8s-version.ts';

/** Where K3s and its install script keep things on a host (the install script's own defaults). */
export const K3S_HOST_PATHS = {
  configFile: '/etc/rancher/k3s/config.yaml',
  kubeconfig: '/etc/rancher/k3s/k3s.yaml',
  dataDir: '/var/lib/rancher/k3s',
  /** edge-orch's own records on the host; inside the K3s data dir so cleanup removes them with it. */
  stateDir: '/var/lib/rancher/k3s/edge-orch',
  marker: '/var/lib/rancher/k3s/edge-orch/install.json',
  downloadedInstallScript: '/var/lib/rancher/k3s/edge-orch/install.sh',
  defaultBinDir: '/usr/local/bin',
  /** Where a downloaded binary goes on an immutable OS, whose /usr/local/bin is read-only (as EMF's templates do). */
  writableBinDir: '/var/lib/rancher/k3s/bin',
  systemdDir: '/etc/systemd/system',
} as const;

export type BootstrapMode = 'air-gapped' | 'download';

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

/** How the install script is told to behave; render/bootstrap/install-env.ts turns it into INSTALL_K3S_* variables. */
export interface InstallSettings {
  exec: 'server' | 'agent';
  binDir: string;
  /** The binary's directory cannot be written (immutable OS, air-gapped): no symlinks or helper scripts there. */
  binDirReadOnly: boolean;
  /** True when air-gapped: the install script must use the binary already on the host. */
  skipDownload: boolean;
  /** The version to download; null when air-gapped. */
  version: string | null;
  /** Base URL the install script downloads the binary and checksums from (its GITHUB_URL); null for upstream. */
  artifactsUrl: string | null;
}

export interface BootstrapPlan {
  flavor: 'k3s';
  kubernetesVersion: string;
  mode: BootstrapMode;
  osType: OsType;
  role: 'server' | 'agent';
  k3sConfig: K3sConfig;
  /** The template's files with inline content, in template order. */
  templateFiles: PlanFile[];
  install: InstallSettings;
  /** Directories to create before running the install script. */
  directories: string[];
  /** The install script invocation, run without a shell. */
  argv: string[];
  installScriptPath: string;
  binaryPath: string;
  /** Air-gapped only: what must already be on the host, checked before anything runs. */
  verify: { binaryPath: string; expectedVersion: string; installScriptPath: string; airgapImages: AirgapImageFile[] } | null;
  /** Download mode only: where the install script and K3s come from (artifactsUrl null: upstream GitHub). */
  download: { installScriptUrl: string; version: string; artifactsUrl: string | null } | null;
  /** Ready when the kubeconfig exists and `argv` prints `ok` (the API's /readyz); null for a worker, which serves no API. */
  readiness: { kubeconfigPath: string; argv: string[] } | null;
  /** What the agent will not do or cannot check, for the cluster's status. */
  warnings: string[];
}

export interface BootstrapInput {
  cluster: Cluster;
  template: ClusterTemplate;
  osProfile: OsProfile;
  host: Pick<Host, 'id' | 'name'>;
  /** Artifact mirror base URL: the install script is `${mirrorUrl}/k3s/install.sh`, K3s releases `${mirrorUrl}/k3s/download/<version>/`. */
  mirrorUrl?: string;
  /** An existing K3s server of this cluster to join (https://address:6443); absent for the first server. */
  serverUrl?: string;
  /** The cluster's join token; required with serverUrl. It goes into config.yaml (0600), never env or argv. */
  joinToken?: string;
}

const UPSTREAM_INSTALL_SCRIPT = 'https://get.k3s.io';
const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane:NoSchedule';
/** A node label naming the cluster, so nodes can be told apart from anything else on the host. */
export const CLUSTER_NODE_LABEL = 'edge-orch.io/cluster';

/**
 * Decides how K3s is installed on `host` for `cluster`. Throws Incompatible when the template cannot run on
 * the OS profile, InvalidState for RKE2 (not installed by the agent yet) or a host that is not a node of the
 * cluster, InvalidField for template fields that cannot be turned into a K3s config.
 */
export function computeBootstrapPlan(input: BootstrapInput): BootstrapPlan {
  const { cluster, template, osProfile, host } = input;
  checkInputsBelongTogether(input);
  if (template.flavor === 'rke2') {
    throw new AppError(
      'InvalidState',
      `RKE2 bootstrap by the agent is not supported yet: template ${formatTemplateRef(template)} is RKE2 ${template.kubernetesVersion}; the agent installs K3s only, so choose a K3s template for this host`,
      { field: 'template' },
    );
  }
  const version = parseKubernetesVersion(template.kubernetesVersion, 'template/kubernetesVersion').raw;
  const compatibility = computeCompatibility(template, osProfile);
  if (!compatibility.compatible) {
    throw new AppError('Incompatible', compatibility.reason.message, {
      reason: compatibility.reason.code,
      extra: { details: compatibility.reason.details ?? {} },
    });
  }
  const warnings: string[] = [];
  if (compatibility.override) warnings.push(compatibility.override.message);
  if (cluster.airGapped !== compatibility.airGapped) {
    warnings.push(
      `cluster ${cluster.name} records airGapped=${cluster.airGapped} but OS profile ${osProfile.name} now decides airGapped=${compatibility.airGapped}; the OS profile wins`,
    );
  }

  const role = nodeRole(cluster, host);
  const exec = role === 'worker' ? 'agent' : 'server';
  const join = joinSettings(input, exec);
  const spec = k3sConfigSpec(template.controlPlane) ?? {};
  const files = readTemplateFiles(spec, warnings);
  const k3sConfig = computeK3sConfig({ input, spec, exec, role, join, warnings, skippedPaths: files.skipped });
  for (const key of ['preK3sCommands', 'postK3sCommands'] as const) {
    readStringList(spec, key).forEach((command, i) =>
      warnings.push(`not run: ${key}[${i}] ${JSON.stringify(command)} (the agent does not run template commands)`),
    );
  }

  const embedded = compatibility.airGapped ? osProfile.kubernetes! : null;
  if (embedded) {
    safeScriptPath(embedded.binaryPath, 'osProfile/kubernetes/binaryPath');
    safeScriptPath(embedded.installScriptPath, 'osProfile/kubernetes/installScriptPath');
  }
  const binaryPath = embedded
    ? embedded.binaryPath
    : `${osProfile.osType === 'immutable' ? K3S_HOST_PATHS.writableBinDir : K3S_HOST_PATHS.defaultBinDir}/k3s`;
  const binDir = binaryPath.slice(0, binaryPath.lastIndexOf('/')) || '/';
  const artifactsUrl = input.mirrorUrl === undefined ? null : `${parseMirrorUrl(input.mirrorUrl)}/k3s`;
  const installScriptPath = embedded ? embedded.installScriptPath : K3S_HOST_PATHS.downloadedInstallScript;
  if (embedded && embedded.airgapImages.length === 0) {
    warnings.push(`OS profile ${osProfile.name} lists no air-gap image files with checksums; the images on the host are not verified`);
  }

  return {
    flavor: 'k3s',
    kubernetesVersion: version,
    mode: embedded ? 'air-gapped' : 'download',
    osType: osProfile.osType,
    role: exec,
    k3sConfig,
    templateFiles: files.files,
    install: {
      exec,
      binDir,
      binDirReadOnly: embedded !== null && osProfile.osType === 'immutable',
      skipDownload: embedded !== null,
      version: embedded ? null : version,
      artifactsUrl: embedded ? null : artifactsUrl,
    },
    directories: embedded ? [] : [binDir],
    argv: ['sh', installScriptPath],
    installScriptPath,
    binaryPath,
    verify: embedded ? { binaryPath, expectedVersion: version, installScriptPath, airgapImages: embedded.airgapImages } : null,
    download: embedded
      ? null
      : { installScriptUrl: artifactsUrl ? `${artifactsUrl}/install.sh` : UPSTREAM_INSTALL_SCRIPT, version, artifactsUrl },
    readiness:
      exec === 'server'
        ? {
            kubeconfigPath: K3S_HOST_PATHS.kubeconfig,
            argv: [binaryPath, 'kubectl', '--kubeconfig', K3S_HOST_PATHS.kubeconfig, 'get', '--raw', '/readyz'],
          }
        : null,
    warnings,
  };
}

function checkInputsBelongTogether({ cluster, template, osProfile }: BootstrapInput): void {
  if (cluster.driver !== 'agent') {
    throw new AppError(
      'InvalidState',
      `cluster ${cluster.name} uses the ${cluster.driver} driver; the agent installs K3s only for clusters of the agent driver`,
    );
  }
  if (cluster.template.name !== template.name || cluster.template.version !== template.version) {
    throw new AppError(
      'InvalidState',
      `cluster ${cluster.name} uses template ${formatTemplateRef(cluster.template)}, not ${formatTemplateRef(template)}`,
    );
  }
  if (cluster.osProfile !== osProfile.name) {
    throw new AppError('InvalidState', `cluster ${cluster.name} runs on OS profile ${cluster.osProfile}, not ${osProfile.name}`);
  }
}

function nodeRole(cluster: Cluster, host: BootstrapInput['host']): NodeRole {
  const node = cluster.nodes.find((n) => n.hostId === host.id);
  if (!node) throw new AppError('InvalidState', `host ${host.name} (${host.id}) is not a node of cluster ${cluster.name}`);
  return node.role;
}

type JoinSettings = Pick<K3sConfig, 'server' | 'token'> & { clusterInit: boolean };

function joinSettings({ cluster, host, serverUrl, joinToken }: BootstrapInput, exec: 'server' | 'agent'): JoinSettings {
  if (serverUrl === undefined) {
    if (exec === 'agent') {
      throw new AppError(
        'InvalidState',
        `host ${host.name} is a worker of cluster ${cluster.name}; a worker needs the URL and token of the cluster's first server`,
      );
    }
    // Embedded etcd must be initialised on the first server when more servers will join it.
    const servers = cluster.nodes.filter((n) => n.role !== 'worker').length;
    return { clusterInit: servers > 1, ...(joinToken !== undefined ? { token: joinToken } : {}) };
  }
  const url = URL.canParse(serverUrl) ? new URL(serverUrl) : null;
  if (!url || url.protocol !== 'https:' || url.username || url.password || !PLAIN_URL.test(serverUrl)) {
    throw invalidField(
      'serverUrl',
      `serverUrl ${JSON.stringify(serverUrl)} is not valid; expected https://<address>:<port> of a K3s server`,
    );
  }
  if (!joinToken) throw invalidField('joinToken', `joinToken is required to join ${serverUrl}`);
  return { server: serverUrl, token: joinToken, clusterInit: false };
}

/**
 * The install script pastes the binary's directory unquoted into the systemd unit and the uninstall script it
 * writes, so a path reaching it must be plain: letters, digits, '.', '_', '+', '-' between slashes.
 */
function safeScriptPath(path: string, field: string): void {
  if (!/^(\/[A-Za-z0-9._+-]+)+$/.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    throw invalidField(
      field,
      `${field} ${JSON.stringify(path)} cannot be given to the K3s install script; expected an absolute path of letters, digits, ".", "_", "+", "-"`,
    );
  }
}

const PLAIN_URL = /^[A-Za-z0-9._~:/%+[\]-]+$/;

/** A mirror base URL the install script can use unquoted: http(s), no credentials, no shell or space characters. */
function parseMirrorUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || !PLAIN_URL.test(text)) {
    throw invalidField(
      'mirrorUrl',
      `mirrorUrl ${JSON.stringify(text)} is not valid; expected an http(s) URL without credentials, query or shell characters, for example http://10.0.0.1:8080/mirror`,
    );
  }
  return text.replace(/\/+$/, '');
}

interface ConfigContext {
  input: BootstrapInput;
  spec: Doc;
  exec: 'server' | 'agent';
  role: NodeRole;
  join: JoinSettings;
  warnings: string[];
  skippedPaths: string[];
}

const SPEC = 'controlPlane/spec/template/spec/kthreesConfigSpec';

function computeK3sConfig({ input, spec, exec, role, join, warnings, skippedPaths }: ConfigContext): K3sConfig {
  const agent = readOptionalRecord(spec, 'agentConfig', `${SPEC}/`) ?? {};
  const server = readOptionalRecord(spec, 'serverConfig', `${SPEC}/`) ?? {};
  const config: K3sConfig = { 'node-name': input.host.name };
  if (join.server !== undefined) config.server = join.server;
  if (join.token !== undefined) config.token = join.token;
  if (join.clusterInit) config['cluster-init'] = true;

  const templateNodeName = agent['nodeName'];
  if (typeof templateNodeName === 'string' && templateNodeName !== '' && templateNodeName !== input.host.name) {
    warnings.push(`agentConfig.nodeName ${JSON.stringify(templateNodeName)} is not used; the node is named after host ${input.host.name}`);
  }
  const labels = [...readStringList(agent, 'nodeLabels', 'agentConfig/'), `${CLUSTER_NODE_LABEL}=${input.cluster.name}`];
  const taints = [...readStringList(agent, 'nodeTaints', 'agentConfig/'), ...(role === 'controlplane' ? [CONTROL_PLANE_TAINT] : [])];
  setList(config, 'node-label', labels);
  setList(config, 'node-taint', taints);
  setList(config, 'kubelet-arg', readArgs(agent, 'kubeletArgs', 'agentConfig/'));
  setList(config, 'kube-proxy-arg', readArgs(agent, 'kubeProxyArgs', 'agentConfig/'));
  setString(config, 'private-registry', agent, 'privateRegistry', 'agentConfig/');
  warnUnknown(agent, 'agentConfig', AGENT_KEYS, warnings);

  if (exec === 'server') {
    // EMF templates spell it kubeApiServerArg; the CRD field is kubeAPIServerArg. Both mean the same.
    const apiKey = 'kubeAPIServerArg' in server ? 'kubeAPIServerArg' : 'kubeApiServerArg';
    setList(config, 'kube-apiserver-arg', readArgs(server, apiKey, 'serverConfig/'));
    setList(config, 'kube-controller-manager-arg', readArgs(server, 'kubeControllerManagerArgs', 'serverConfig/'));
    setList(config, 'kube-scheduler-arg', readArgs(server, 'kubeSchedulerArgs', 'serverConfig/'));
    setList(config, 'tls-san', readStringList(server, 'tlsSan', 'serverConfig/'));
    setString(config, 'bind-address', server, 'bindAddress', 'serverConfig/');
    setPort(config, 'https-listen-port', server, 'httpsListenPort');
    setString(config, 'advertise-address', server, 'advertiseAddress', 'serverConfig/');
    setPort(config, 'advertise-port', server, 'advertisePort');
    const pods = input.template.clusterNetwork?.pods.cidrBlocks ?? [];
    const services = input.template.clusterNetwork?.services.cidrBlocks ?? [];
    if (pods.length > 0) config['cluster-cidr'] = pods.join(',');
    else setString(config, 'cluster-cidr', server, 'clusterCidr', 'serverConfig/');
    if (services.length > 0) config['service-cidr'] = services.join(',');
    else setString(config, 'service-cidr', server, 'serviceCidr', 'serverConfig/');
    setString(config, 'cluster-dns', server, 'clusterDNS', 'serverConfig/');
    setString(config, 'cluster-domain', server, 'clusterDomain', 'serverConfig/');
    setList(config, 'disable', readStringList(server, 'disableComponents', 'serverConfig/'));
    if (typeof server['disableCloudController'] === 'boolean') config['disable-cloud-controller'] = server['disableCloudController'];
    setString(config, 'system-default-registry', server, 'systemDefaultRegistry', 'serverConfig/');
    warnUnknown(server, 'serverConfig', SERVER_KEYS, warnings);
  }
  for (const path of skippedPaths) {
    for (const [key, value] of Object.entries(config)) {
      if (Array.isArray(value) && value.some((v) => v.includes(path))) warnings.push(`${key} refers to ${path}, which is not written`);
    }
  }
  return config;
}

const AGENT_KEYS = new Set([
  'nodeLabels',
  'nodeTaints',
  'privateRegistry',
  'kubeletArgs',
  'kubeProxyArgs',
  'nodeName',
  'airGapped',
  'airGappedInstallScriptPath',
]);
const SERVER_KEYS = new Set([
  'kubeAPIServerArg',
  'kubeApiServerArg',
  'kubeControllerManagerArgs',
  'kubeSchedulerArgs',
  'tlsSan',
  'bindAddress',
  'httpsListenPort',
  'advertiseAddress',
  'advertisePort',
  'clusterCidr',
  'serviceCidr',
  'clusterDNS',
  'clusterDomain',
  'disableComponents',
  'disableCloudController',
  'systemDefaultRegistry',
]);

function warnUnknown(section: Doc, name: string, known: Set<string>, warnings: string[]): void {
  for (const key of Object.keys(section)) if (!known.has(key)) warnings.push(`${name}.${key} is not applied by the agent`);
}

function readStringList(doc: Doc, key: string, prefix = ''): string[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidField(`${SPEC}/${prefix}${key}`, `${SPEC}/${prefix}${key} must be a list of strings, got ${describe(value)}`);
  }
  return value as string[];
}

/** K3s config keys take flags without their leading `--` (kubelet-arg: [max-pods=250]). */
const readArgs = (doc: Doc, key: string, prefix: string): string[] => readStringList(doc, key, prefix).map((arg) => arg.replace(/^--/, ''));

function setList(config: K3sConfig, key: K3sListKey, list: string[]): void {
  if (list.length > 0) config[key] = list;
}

function setString(config: K3sConfig, key: K3sStringKey, doc: Doc, field: string, prefix: string): void {
  const value = doc[field];
  if (value === undefined || value === null || value === '') return;
  if (typeof value !== 'string')
    throw invalidField(`${SPEC}/${prefix}${field}`, `${SPEC}/${prefix}${field} must be a string, got ${describe(value)}`);
  config[key] = value;
}

function setPort(config: K3sConfig, key: 'https-listen-port' | 'advertise-port', doc: Doc, field: string): void {
  const value = doc[field];
  if (value === undefined || value === null || value === '') return;
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidField(
      `${SPEC}/serverConfig/${field}`,
      `${SPEC}/serverConfig/${field} must be a port number (1-65535), got ${describe(value)}`,
    );
  }
  config[key] = port;
}

const ABSOLUTE_NORMAL_PATH = /^(\/[^/\0]+)+$/;

/** The template's files[] with inline content; contentFrom (secret refs) and gzip cannot be resolved by the agent. */
function readTemplateFiles(spec: Doc, warnings: string[]): { files: PlanFile[]; skipped: string[] } {
  const list = spec['files'];
  if (list === undefined || list === null) return { files: [], skipped: [] };
  if (!Array.isArray(list)) throw invalidField(`${SPEC}/files`, `${SPEC}/files must be a list, got ${describe(list)}`);
  const files: PlanFile[] = [];
  const skipped: string[] = [];
  list.forEach((entry, i) => {
    const field = `${SPEC}/files/${i}`;
    if (!isRecord(entry)) throw invalidField(field, `${field} must be an object with path and content, got ${describe(entry)}`);
    const path = entry['path'];
    if (typeof path !== 'string' || !ABSOLUTE_NORMAL_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
      throw invalidField(`${field}/path`, `${field}/path must be an absolute path without "." or ".." segments, got ${describe(path)}`);
    }
    const skip = (why: string): void => {
      warnings.push(`files[${i}] ${path} is not written: ${why}`);
      skipped.push(path);
    };
    if (path === K3S_HOST_PATHS.configFile) return skip('edge-orch renders the K3s config file itself');
    if (entry['contentFrom'] !== undefined && entry['contentFrom'] !== null) {
      const secret = isRecord(entry['contentFrom']) && isRecord(entry['contentFrom']['secret']) ? entry['contentFrom']['secret'] : {};
      return skip(
        `its content comes from secret ${JSON.stringify(secret['name'] ?? '?')} key ${JSON.stringify(secret['key'] ?? '?')}, which the agent cannot read`,
      );
    }
    const encoding = entry['encoding'] ?? '';
    if (encoding === 'gzip' || encoding === 'gzip+base64') return skip(`encoding ${encoding} is not supported by the agent`);
    if (encoding !== '' && encoding !== 'base64')
      throw invalidField(`${field}/encoding`, `${field}/encoding must be base64, gzip or gzip+base64, got ${describe(encoding)}`);
    const content = entry['content'] ?? '';
    if (typeof content !== 'string') throw invalidField(`${field}/content`, `${field}/content must be a string, got ${describe(content)}`);
    if (encoding === 'base64' && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content))
      throw invalidField(`${field}/content`, `${field}/content is not base64`);
    const permissions = entry['permissions'] ?? '0644';
    if (typeof permissions !== 'string' || !/^0?[0-7]{3}$/.test(permissions)) {
      throw invalidField(
        `${field}/permissions`,
        `${field}/permissions must be octal permissions such as "0644", got ${describe(permissions)}`,
      );
    }
    const owner = String(entry['owner'] ?? 'root');
    if (!['', 'root', 'root:root', '0:0'].includes(owner))
      warnings.push(`files[${i}] ${path}: owner ${JSON.stringify(owner)} is not applied; root owns it`);
    const earlier = files.findIndex((f) => f.path === path);
    if (earlier >= 0) warnings.push(`files[${i}] ${path} is listed twice; the later entry wins`);
    if (earlier >= 0) files.splice(earlier, 1);
    files.push({ path, content, mode: parseInt(permissions, 8), encoding: encoding === 'base64' ? 'base64' : 'utf8' });
  });
  return { files, skipped };
}
