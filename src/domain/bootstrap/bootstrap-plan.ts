/**
 * What the agent does to put K3s on one host, decided without touching it: air-gapped or download (from
 * computeCompatibility, never from the template), the K3s config (as K3s config-file keys, see k3s-config.ts),
 * the template's extra files, how the install script is run and what is checked before and after. The texts
 * (config.yaml, the install script's environment) are rendered by render/bootstrap; the agent executes the result.
 */
import type { Cluster, NodeRole } from '../inventory/cluster.ts';
import { computeCompatibility } from '../compatibility/compatibility.ts';
import { AppError, invalidField } from '../errors.ts';
import type { Host } from '../inventory/host.ts';
import type { AirgapImageFile } from '../inventory/image-manifest.ts';
import { formatTemplateRef, type ClusterTemplate } from '../inventory/template.ts';
import type { OsProfile, OsType } from '../inventory/os-profile.ts';
import { computeK3sConfig, type JoinSettings, type K3sConfig, type PlanFile } from './k3s-config.ts';
import { K3S_HOST_PATHS } from './k3s-host-paths.ts';
import { PLAIN_URL, type MirrorUrl } from './mirror-url.ts';

// The agent imports these from here.
export { K3S_HOST_PATHS } from './k3s-host-paths.ts';
export type { PlanFile } from './k3s-config.ts';

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

interface PlanCommon {
  flavor: 'k3s';
  kubernetesVersion: string;
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
  /** Ready when the kubeconfig exists and `argv` prints `ok` (the API's /readyz); null for a worker, which serves no API. */
  readiness: { kubeconfigPath: string; argv: string[] } | null;
  /** What the agent will not do or cannot check, for the cluster's status. */
  warnings: string[];
}

/** What must already be on an air-gapped host, checked before anything runs. */
export interface EmbeddedCheck {
  binaryPath: string;
  expectedVersion: string;
  installScriptPath: string;
  airgapImages: AirgapImageFile[];
}

/** Where the install script and K3s come from (artifactsUrl null: upstream GitHub). */
export interface DownloadSource {
  installScriptUrl: string;
  version: string;
  artifactsUrl: string | null;
}

/** Air-gapped or download; the other mode's part is null, so the plan's JSON has the same fields either way. */
export type BootstrapPlan =
  | (PlanCommon & { mode: 'air-gapped'; verify: EmbeddedCheck; download: null })
  | (PlanCommon & { mode: 'download'; verify: null; download: DownloadSource });

export interface BootstrapInput {
  cluster: Cluster;
  template: ClusterTemplate;
  osProfile: OsProfile;
  host: Pick<Host, 'id' | 'name'>;
  /** Artifact mirror base URL: the install script is `${mirrorUrl}/k3s/install.sh`, K3s releases `${mirrorUrl}/k3s/download/<version>/`. */
  mirrorUrl?: MirrorUrl;
  /** An existing K3s server of this cluster to join (https://address:6443); absent for the first server. */
  serverUrl?: string;
  /** The cluster's join token; required with serverUrl. It goes into config.yaml (0600), never env or argv. */
  joinToken?: string;
}

const UPSTREAM_INSTALL_SCRIPT = 'https://get.k3s.io';

/**
 * Decides how K3s is installed on `host` for `cluster`. The template's content was checked at import, so this
 * refuses only what the template alone does not decide: Incompatible when it cannot run on the OS profile,
 * InvalidState for RKE2 (not installed by the agent yet), a host that is not a node of the cluster, a cluster
 * that names another template, or a template stored before import checked it and refused today;
 * InvalidField for a join URL or token, or an OS profile path the install script cannot take.
 */
export function computeBootstrapPlan(input: BootstrapInput): BootstrapPlan {
  const { cluster, template, osProfile, host } = input;
  checkInputsBelongTogether(input);
  if (template.config.kind === 'rke2') {
    throw new AppError(
      'InvalidState',
      `RKE2 bootstrap by the agent is not supported yet: template ${formatTemplateRef(template)} is RKE2 ${template.kubernetesVersion}; the agent installs K3s only, so choose a K3s template for this host`,
      { field: 'template' },
    );
  }
  if (template.config.kind === 'refused') {
    throw new AppError(
      'InvalidState',
      `template ${formatTemplateRef(template)} was stored before its control plane was checked at import and is refused now: ${template.config.detail}; import a corrected version`,
      { field: template.config.field },
    );
  }
  const compatibility = computeCompatibility(template, osProfile);
  if (!compatibility.compatible) {
    throw new AppError('Incompatible', compatibility.reason.message, {
      reason: compatibility.reason.code,
      extra: { details: compatibility.reason.details ?? {} },
    });
  }
  const version = compatibility.kubernetesVersion;
  const warnings: string[] = [];
  if (compatibility.override) warnings.push(compatibility.override.message);
  // The cluster is air-gapped only when every node is; a node of a mixed cluster may be either.
  if (cluster.airGapped && !compatibility.airGapped) {
    warnings.push(
      `cluster ${cluster.name} records airGapped=true but OS profile ${osProfile.name} embeds no K3s ${version}, so this node downloads it; the OS profile wins`,
    );
  }

  const role = nodeRole(cluster, host);
  const exec = role === 'worker' ? 'agent' : 'server';
  const node = computeK3sConfig({
    config: template.config.k3s,
    clusterNetwork: template.clusterNetwork,
    clusterName: cluster.name,
    hostName: host.name,
    role,
    join: joinSettings(input, exec),
  });
  warnings.push(...node.warnings);
  const common = {
    flavor: 'k3s',
    kubernetesVersion: version,
    osType: osProfile.osType,
    role: exec,
    k3sConfig: node.k3sConfig,
    templateFiles: node.templateFiles,
  } as const;
  const readiness = (binaryPath: string): PlanCommon['readiness'] =>
    exec === 'server'
      ? {
          kubeconfigPath: K3S_HOST_PATHS.kubeconfig,
          argv: [binaryPath, 'kubectl', '--kubeconfig', K3S_HOST_PATHS.kubeconfig, 'get', '--raw', '/readyz'],
        }
      : null;

  if (compatibility.airGapped) {
    const embedded = osProfile.kubernetes!;
    const { binaryPath, installScriptPath } = embedded;
    safeScriptPath(binaryPath, 'osProfile/kubernetes/binaryPath');
    safeScriptPath(installScriptPath, 'osProfile/kubernetes/installScriptPath');
    if (embedded.airgapImages.length === 0) {
      warnings.push(`OS profile ${osProfile.name} lists no air-gap image files with checksums; the images on the host are not verified`);
    }
    return {
      ...common,
      mode: 'air-gapped',
      install: {
        exec,
        binDir: directoryOf(binaryPath),
        binDirReadOnly: osProfile.osType === 'immutable',
        skipDownload: true,
        version: null,
        artifactsUrl: null,
      },
      directories: [],
      argv: ['sh', installScriptPath],
      installScriptPath,
      binaryPath,
      verify: { binaryPath, expectedVersion: version, installScriptPath, airgapImages: embedded.airgapImages },
      download: null,
      readiness: readiness(binaryPath),
      warnings,
    };
  }

  const binDir = osProfile.osType === 'immutable' ? K3S_HOST_PATHS.writableBinDir : K3S_HOST_PATHS.defaultBinDir;
  const binaryPath = `${binDir}/k3s`;
  const installScriptPath = K3S_HOST_PATHS.downloadedInstallScript;
  const artifactsUrl = input.mirrorUrl === undefined ? null : `${input.mirrorUrl}/k3s`;
  return {
    ...common,
    mode: 'download',
    install: { exec, binDir, binDirReadOnly: false, skipDownload: false, version, artifactsUrl },
    directories: [binDir],
    argv: ['sh', installScriptPath],
    installScriptPath,
    binaryPath,
    verify: null,
    download: { installScriptUrl: artifactsUrl ? `${artifactsUrl}/install.sh` : UPSTREAM_INSTALL_SCRIPT, version, artifactsUrl },
    readiness: readiness(binaryPath),
    warnings,
  };
}

const directoryOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

function checkInputsBelongTogether({ cluster, template }: BootstrapInput): void {
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
}

function nodeRole(cluster: Cluster, host: BootstrapInput['host']): NodeRole {
  const node = cluster.nodes.find((n) => n.hostId === host.id);
  if (!node) throw new AppError('InvalidState', `host ${host.name} (${host.id}) is not a node of cluster ${cluster.name}`);
  return node.role;
}

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
