/**
 * The agent runs a plan as root, so it checks every plan before acting, whoever sent it: the install argv is
 * exactly `sh <the install script>` (the image's own script when air-gapped, the downloaded one otherwise),
 * files go only to K3s's own places, downloads come only from the mirror the agent was configured with (or
 * K3s's upstream when none), and the install script's environment holds only the settings edge-orch sets.
 */
import { parse } from 'yaml';
import { K3S_HOST_PATHS } from '../domain/bootstrap/bootstrap-plan.ts';
import { K3S_CONFIG_KEYS } from '../domain/bootstrap/k3s-config.ts';
import { templateFilePathRefusal } from '../domain/bootstrap/k3s-host-paths.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import type { ReportedManifest } from './host-manifest.ts';

export interface PlanPolicy {
  /** The mirror the agent was started with (--mirror-url); null: only K3s's upstream URLs. */
  mirrorUrl: string | null;
  /** The image manifest of the host: an air-gapped plan must run the image's own K3s. */
  manifest: ReportedManifest | null;
}

const UPSTREAM_INSTALL_SCRIPT = 'https://get.k3s.io';
const K3S_VERSION = /^v\d+\.\d+\.\d+(-rc\d+)?\+k3s\d+$/;

/** Why the agent refuses `plan`, or null when it may run it. */
export function checkInstallPlan(plan: InstallPlan, policy: PlanPolicy): string | null {
  const problem = findProblem(plan, policy);
  return problem === null ? null : `the agent refuses this install plan: ${problem}`;
}

function findProblem(plan: InstallPlan, { mirrorUrl, manifest }: PlanPolicy): string | null {
  if (!K3S_VERSION.test(plan.kubernetesVersion)) return `kubernetesVersion ${JSON.stringify(plan.kubernetesVersion)} is not a K3s version`;
  let binDir: string;
  if (plan.mode === 'air-gapped') {
    const embedded = manifest?.kubernetes;
    if (!embedded) return "an air-gapped install needs the image's embedded K3s, and this host's image manifest names none";
    if (plan.installScriptPath !== embedded.installScriptPath || plan.binaryPath !== embedded.binaryPath)
      return `an air-gapped install must run the image's own ${embedded.installScriptPath} and ${embedded.binaryPath}, not ${plan.installScriptPath} and ${plan.binaryPath}`;
    if (plan.verify.installScriptPath !== plan.installScriptPath || plan.verify.binaryPath !== plan.binaryPath)
      return 'the checks before the install name other files than the install itself';
    if (plan.directories.length > 0) return 'an air-gapped install creates no directories';
    binDir = plan.binaryPath.slice(0, plan.binaryPath.lastIndexOf('/')) || '/';
  } else {
    if (plan.installScriptPath !== K3S_HOST_PATHS.downloadedInstallScript)
      return `a downloaded install script is kept at ${K3S_HOST_PATHS.downloadedInstallScript}, not ${plan.installScriptPath}`;
    const artifactsUrl = mirrorUrl === null ? null : `${mirrorUrl}/k3s`;
    const scriptUrl = artifactsUrl === null ? UPSTREAM_INSTALL_SCRIPT : `${artifactsUrl}/install.sh`;
    if (plan.download.installScriptUrl !== scriptUrl || plan.download.artifactsUrl !== artifactsUrl)
      return `downloads must come from ${mirrorUrl === null ? "K3s's upstream (this agent has no --mirror-url)" : `the mirror ${mirrorUrl}`}, not ${plan.download.installScriptUrl}`;
    if (plan.download.version !== plan.kubernetesVersion) return 'the download names another version than the plan';
    binDir = [K3S_HOST_PATHS.defaultBinDir, K3S_HOST_PATHS.writableBinDir].find((dir) => plan.binaryPath === `${dir}/k3s`) ?? '';
    if (binDir === '')
      return `a downloaded K3s goes to ${K3S_HOST_PATHS.defaultBinDir}/k3s or ${K3S_HOST_PATHS.writableBinDir}/k3s, not ${plan.binaryPath}`;
    if (plan.directories.some((dir) => dir !== binDir)) return `the only directory a download creates is ${binDir}`;
  }
  if (plan.argv.length !== 2 || plan.argv[0] !== 'sh' || plan.argv[1] !== plan.installScriptPath)
    return `the install runs exactly "sh ${plan.installScriptPath}", not ${JSON.stringify(plan.argv)}`;
  return checkEnv(plan, binDir, mirrorUrl) ?? checkReadiness(plan) ?? checkFiles(plan);
}

function checkEnv(plan: InstallPlan, binDir: string, mirrorUrl: string | null): string | null {
  const allowed: Record<string, (value: string) => boolean> = {
    INSTALL_K3S_EXEC: (v) => v === plan.role,
    INSTALL_K3S_BIN_DIR: (v) => v === binDir,
    INSTALL_K3S_SKIP_DOWNLOAD: (v) => v === 'true' && plan.mode === 'air-gapped',
    INSTALL_K3S_BIN_DIR_READ_ONLY: (v) => v === 'true',
    INSTALL_K3S_VERSION: (v) => v === plan.kubernetesVersion && plan.mode === 'download',
    GITHUB_URL: (v) => mirrorUrl !== null && v === `${mirrorUrl}/k3s`,
    INSTALL_K3S_SKIP_SELINUX_RPM: (v) => v === 'true',
  };
  for (const [key, value] of Object.entries(plan.env)) {
    if (!allowed[key]?.(value)) return `the install script's environment may not set ${key}=${JSON.stringify(value)}`;
  }
  return null;
}

function checkReadiness({ readiness, binaryPath }: InstallPlan): string | null {
  if (readiness === null) return null;
  const { kubeconfig } = K3S_HOST_PATHS;
  const expected = [binaryPath, 'kubectl', '--kubeconfig', kubeconfig, 'get', '--raw', '/readyz'];
  if (readiness.kubeconfigPath !== kubeconfig || JSON.stringify(readiness.argv) !== JSON.stringify(expected))
    return `the readiness check runs exactly ${JSON.stringify(expected)}`;
  return null;
}

function checkFiles({ files }: InstallPlan): string | null {
  for (const [i, file] of files.entries()) {
    const last = i === files.length - 1;
    if (file.path === K3S_HOST_PATHS.configFile) {
      if (!last) return `${K3S_HOST_PATHS.configFile} is written last, once`;
      const problem = checkConfigFile(file.content);
      if (problem) return problem;
    } else {
      const refusal = templateFilePathRefusal(file.path);
      if (refusal !== null) return refusal;
      if (/(^|\/)\.\.?(\/|$)/.test(file.path)) return `${file.path} has "." or ".." segments`;
    }
    if (!Number.isInteger(file.mode) || file.mode < 0 || file.mode > 0o777)
      return `${file.path} has mode ${file.mode}; setuid, setgid and sticky bits are not written`;
  }
  if (files.at(-1)?.path !== K3S_HOST_PATHS.configFile) return `the plan does not end with K3s's config file ${K3S_HOST_PATHS.configFile}`;
  return null;
}

/** K3s reads every key of its config file as a flag: only the keys edge-orch sets may be there. */
function checkConfigFile(text: string): string | null {
  let config: unknown;
  try {
    config = parse(text, { maxAliasCount: 0 });
  } catch {
    return `${K3S_HOST_PATHS.configFile} is not YAML`;
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return `${K3S_HOST_PATHS.configFile} is not a map`;
  const unknown = Object.keys(config).find((key) => !(K3S_CONFIG_KEYS as readonly string[]).includes(key));
  return unknown === undefined ? null : `${K3S_HOST_PATHS.configFile} may not set ${unknown}`;
}
