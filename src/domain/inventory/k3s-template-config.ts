/**
 * The kthreesConfigSpec of a K3s template, checked and typed at import so that a stored template always yields
 * a bootstrap plan. Errors name the field as the imported document has it: `clusterconfiguration/spec/…` in
 * an EMF template, `controlPlane/spec/…` in edge-orch's own form.
 */
import { K3S_HOST_PATHS, templateFilePathRefusal } from '../bootstrap/k3s-host-paths.ts';
import { invalidField } from '../errors.ts';
import { describe, isRecord, readOptionalRecord, type Doc } from '../fields.ts';

export interface K3sTemplateConfig {
  agent: K3sAgentConfig;
  server: K3sServerConfig;
  /** files[], in template order. */
  files: TemplateFile[];
  /** Not run by the agent; kept to report them. */
  preK3sCommands: string[];
  postK3sCommands: string[];
}

/** agentConfig. Arguments are K3s flags without their leading `--`, as K3s config keys take them (max-pods=250). */
export interface K3sAgentConfig {
  /** Not used (a node is named after its host); kept to report it. */
  nodeName: string | null;
  nodeLabels: string[];
  nodeTaints: string[];
  kubeletArgs: string[];
  kubeProxyArgs: string[];
  privateRegistry: string | null;
  /** What the template hard-codes; the OS profile decides (computeCompatibility). */
  airGapped: boolean | null;
  /** Keys the agent does not apply, in document order. */
  unknownKeys: string[];
}

/** serverConfig, applied on servers only. */
export interface K3sServerConfig {
  /** kubeAPIServerArg (the CRD's spelling) or kubeApiServerArg (EMF's). */
  kubeApiServerArgs: string[];
  kubeControllerManagerArgs: string[];
  kubeSchedulerArgs: string[];
  tlsSan: string[];
  bindAddress: string | null;
  httpsListenPort: number | null;
  advertiseAddress: string | null;
  advertisePort: number | null;
  clusterCidr: string | null;
  serviceCidr: string | null;
  clusterDNS: string | null;
  clusterDomain: string | null;
  disableComponents: string[];
  disableCloudController: boolean | null;
  systemDefaultRegistry: string | null;
  unknownKeys: string[];
}

/** One entry of files[]: written by the agent (inline content), or skipped for a reason the plan reports. */
export type TemplateFile =
  | {
      kind: 'write';
      /** Absolute, without "." or ".." segments. */
      path: string;
      /** As given: text, or base64 when `encoding` is base64 (the agent decodes it). */
      content: string;
      /** Permission bits, for example 0o644. */
      mode: number;
      encoding: 'utf8' | 'base64';
      /** An owner other than root, which is not applied (root owns every file). */
      ignoredOwner: string | null;
    }
  | { kind: 'skip'; path: string; reason: string };

/** Parses the kthreesConfigSpec of `controlPlane`, given under `controlPlaneField` (clusterconfiguration or controlPlane). */
export function parseK3sTemplateConfig(controlPlane: Doc, controlPlaneField: string, kubernetesVersion: string): K3sTemplateConfig {
  const at = `${controlPlaneField}/spec/template/spec/kthreesConfigSpec`;
  const spec = k3sConfigSpec(controlPlane) ?? {};
  if (spec['version'] !== undefined && spec['version'] !== kubernetesVersion) {
    throw invalidField(`${at}/version`, `${at}/version ${describe(spec['version'])} differs from kubernetesVersion ${kubernetesVersion}`);
  }
  return {
    agent: parseAgentConfig(readOptionalRecord(spec, 'agentConfig', `${at}/`) ?? {}, `${at}/agentConfig`),
    server: parseServerConfig(readOptionalRecord(spec, 'serverConfig', `${at}/`) ?? {}, `${at}/serverConfig`),
    files: parseTemplateFiles(spec['files'], `${at}/files`),
    preK3sCommands: readStringList(spec, 'preK3sCommands', at),
    postK3sCommands: readStringList(spec, 'postK3sCommands', at),
  };
}

function k3sConfigSpec(controlPlane: Doc): Doc | undefined {
  const spec = controlPlane['spec'];
  const template = isRecord(spec) ? spec['template'] : undefined;
  const inner = isRecord(template) ? template['spec'] : undefined;
  const config = isRecord(inner) ? inner['kthreesConfigSpec'] : undefined;
  return isRecord(config) ? config : undefined;
}

const AGENT_KEYS = [
  'nodeLabels',
  'nodeTaints',
  'privateRegistry',
  'kubeletArgs',
  'kubeProxyArgs',
  'nodeName',
  'airGapped',
  'airGappedInstallScriptPath',
];
const SERVER_KEYS = [
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
];

function parseAgentConfig(agent: Doc, at: string): K3sAgentConfig {
  const nodeName = agent['nodeName'];
  const airGapped = agent['airGapped'];
  return {
    nodeName: typeof nodeName === 'string' && nodeName !== '' ? nodeName : null,
    nodeLabels: readStringList(agent, 'nodeLabels', at),
    nodeTaints: readStringList(agent, 'nodeTaints', at),
    kubeletArgs: readArgs(agent, 'kubeletArgs', at),
    kubeProxyArgs: readArgs(agent, 'kubeProxyArgs', at),
    privateRegistry: readSetting(agent, 'privateRegistry', at),
    airGapped: typeof airGapped === 'boolean' ? airGapped : null,
    unknownKeys: Object.keys(agent).filter((key) => !AGENT_KEYS.includes(key)),
  };
}

function parseServerConfig(server: Doc, at: string): K3sServerConfig {
  // EMF templates spell it kubeApiServerArg; the CRD field is kubeAPIServerArg. Both mean the same.
  const apiKey = 'kubeAPIServerArg' in server ? 'kubeAPIServerArg' : 'kubeApiServerArg';
  const disableCloudController = server['disableCloudController'];
  return {
    kubeApiServerArgs: readArgs(server, apiKey, at),
    kubeControllerManagerArgs: readArgs(server, 'kubeControllerManagerArgs', at),
    kubeSchedulerArgs: readArgs(server, 'kubeSchedulerArgs', at),
    tlsSan: readStringList(server, 'tlsSan', at),
    bindAddress: readSetting(server, 'bindAddress', at),
    httpsListenPort: readPort(server, 'httpsListenPort', at),
    advertiseAddress: readSetting(server, 'advertiseAddress', at),
    advertisePort: readPort(server, 'advertisePort', at),
    clusterCidr: readSetting(server, 'clusterCidr', at),
    serviceCidr: readSetting(server, 'serviceCidr', at),
    clusterDNS: readSetting(server, 'clusterDNS', at),
    clusterDomain: readSetting(server, 'clusterDomain', at),
    disableComponents: readStringList(server, 'disableComponents', at),
    disableCloudController: typeof disableCloudController === 'boolean' ? disableCloudController : null,
    systemDefaultRegistry: readSetting(server, 'systemDefaultRegistry', at),
    unknownKeys: Object.keys(server).filter((key) => !SERVER_KEYS.includes(key)),
  };
}

function readStringList(doc: Doc, key: string, at: string): string[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidField(`${at}/${key}`, `${at}/${key} must be a list of strings, got ${describe(value)}`);
  }
  return value as string[];
}

/** K3s config keys take flags without their leading `--` (kubelet-arg: [max-pods=250]). */
const readArgs = (doc: Doc, key: string, at: string): string[] => readStringList(doc, key, at).map((arg) => arg.replace(/^--/, ''));

/** A string setting; absent, null and "" all leave K3s's default. */
function readSetting(doc: Doc, key: string, at: string): string | null {
  const value = doc[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalidField(`${at}/${key}`, `${at}/${key} must be a string, got ${describe(value)}`);
  return value;
}

/** A port as a number or a numeric string ("6443"). */
function readPort(doc: Doc, key: string, at: string): number | null {
  const value = doc[key];
  if (value === undefined || value === null || value === '') return null;
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidField(`${at}/${key}`, `${at}/${key} must be a port number (1-65535), got ${describe(value)}`);
  }
  return port;
}

const ABSOLUTE_NORMAL_PATH = /^(\/[^/\0]+)+$/;
const ROOT_OWNERS = ['', 'root', 'root:root', '0:0'];

/**
 * files[]; contentFrom (secret refs) and gzip cannot be resolved by the agent, and paths outside K3s's own
 * places are not the template's to write (k3s-host-paths.ts): those are skipped and reported, not refused, so
 * EMF's templates still import. A path with "." or ".." segments is refused.
 */
function parseTemplateFiles(list: unknown, at: string): TemplateFile[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalidField(at, `${at} must be a list, got ${describe(list)}`);
  return list.map((entry: unknown, i): TemplateFile => {
    const field = `${at}/${i}`;
    if (!isRecord(entry)) throw invalidField(field, `${field} must be an object with path and content, got ${describe(entry)}`);
    const path = entry['path'];
    if (typeof path !== 'string' || !ABSOLUTE_NORMAL_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
      throw invalidField(`${field}/path`, `${field}/path must be an absolute path without "." or ".." segments, got ${describe(path)}`);
    }
    if (path === K3S_HOST_PATHS.configFile) return { kind: 'skip', path, reason: 'edge-orch renders the K3s config file itself' };
    const contentFrom = entry['contentFrom'];
    if (contentFrom !== undefined && contentFrom !== null) {
      const secret = isRecord(contentFrom) && isRecord(contentFrom['secret']) ? contentFrom['secret'] : {};
      const reason = `its content comes from secret ${JSON.stringify(secret['name'] ?? '?')} key ${JSON.stringify(secret['key'] ?? '?')}, which the agent cannot read`;
      return { kind: 'skip', path, reason };
    }
    const encoding = entry['encoding'] ?? '';
    if (encoding === 'gzip' || encoding === 'gzip+base64') {
      return { kind: 'skip', path, reason: `encoding ${encoding} is not supported by the agent` };
    }
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
    const refusal = templateFilePathRefusal(path);
    if (refusal !== null) return { kind: 'skip', path, reason: refusal };
    return {
      kind: 'write',
      path,
      content,
      mode: parseInt(permissions, 8),
      encoding: encoding === 'base64' ? 'base64' : 'utf8',
      ignoredOwner: ROOT_OWNERS.includes(owner) ? null : owner,
    };
  });
}
