/**
 * Executes an install plan on this host: checks what an air-gapped install needs is really there, writes the
 * plan's files, runs K3s's install script without a shell, waits until K3s answers, and returns the kubeconfig
 * pointed at the host's address. Idempotent: a host already running the same plan is left alone. The plan is
 * known by its revision (computed once by the server), which the install record on the host keeps.
 */
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { K3S_HOST_PATHS } from '../domain/bootstrap/bootstrap-plan.ts';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { renderKubeconfigForAddress } from '../render/bootstrap/kubeconfig.ts';
import { runProcess } from '../system/run-process.ts';
import { rpmPackageFiles } from './cleanup.ts';
import { downloadInstallScript } from './download-install-script.ts';
import { readInstallRecord, writeInstallRecord, type InstallRecord } from './install-record.ts';
import { readK3sBinaryVersion } from './k3s-binary-version.ts';
import { linkAirgapImages } from './link-airgap-images.ts';
import { outputTail } from './output-tail.ts';
import { safeBaseEnv } from './safe-base-env.ts';
import { verifyAirGapped } from './verify-air-gapped.ts';
import { waitUntilReady } from './wait-until-ready.ts';
import { writePlanFile } from './write-plan-file.ts';

export interface RunInstallOptions {
  plan: InstallPlan;
  /** The plan's identity (the desired state's planRevision): a different one on the host means another plan. */
  planRevision: string;
  /** The address others reach this host at; the returned kubeconfig's server points there. */
  hostAddress: string;
  timeouts?: { installMs?: number; readyMs?: number; probeIntervalMs?: number };
  /** The base environment of every command; defaults to safeBaseEnv(). plan.env is added to it for the install script. */
  baseEnv?: Record<string, string>;
  /** Every path installed OS packages own (the image's files, never foreign K3s state); defaults to `rpm -qal`. */
  listPackageFiles?: () => Promise<ReadonlySet<string>>;
}

export interface InstallResult {
  status: 'installed' | 'already-installed';
  /** K3s's kubeconfig pointed at hostAddress; null for a worker node. A credential: never log it. */
  kubeconfig: string | null;
  /** The install script's output (bounded); empty when nothing ran. */
  output: string;
  warnings: string[];
}

/**
 * Installs K3s as the plan says. Air-gapped: the binary, its version, the install script and every air-gap
 * image's sha256 are checked first (K3sArtifactMismatch naming the file, expected and actual value); it never
 * falls back to downloading. Fails with K3sInstallFailed when the script fails or K3s does not become ready,
 * and InvalidState when K3s from another plan (or not installed by edge-orch) is on the host.
 */
export async function runInstall({
  plan,
  planRevision,
  hostAddress,
  timeouts = {},
  baseEnv = safeBaseEnv(),
  listPackageFiles = packageFilesIfAny,
}: RunInstallOptions): Promise<InstallResult> {
  const { installMs = 600_000, readyMs = 300_000, probeIntervalMs = 2_000 } = timeouts;
  renderKubeconfigForAddress('{}', hostAddress); // checks the address before anything is touched
  if ((plan.mode === 'air-gapped') !== (plan.verify !== null) || (plan.mode === 'download') !== (plan.download !== null)) {
    throw new AppError(
      'InvalidState',
      `the install plan is inconsistent: mode ${plan.mode} with${plan.verify ? '' : 'out'} verify and with${plan.download ? '' : 'out'} download`,
    );
  }
  const record = await readInstallRecord();
  if (record && record.fingerprint !== planRevision) {
    throw new AppError(
      'InvalidState',
      `K3s ${record.kubernetesVersion} is already installed on this host from a different plan (recorded ${record.updatedAt}); clean up the host before installing ${plan.kubernetesVersion}`,
    );
  }
  if (record?.state === 'ready' && (await isRunning(plan, baseEnv, { readyMs, probeIntervalMs }))) {
    return { status: 'already-installed', kubeconfig: await readKubeconfig(plan, hostAddress), output: '', warnings: plan.warnings };
  }
  if (!record) await refuseForeignK3s(listPackageFiles);

  if (plan.verify) {
    await verifyAirGapped(plan.verify, baseEnv);
    await linkAirgapImages(plan.verify.airgapImages);
  }
  if (plan.download) await downloadInstallScript(plan.download.installScriptUrl, plan.installScriptPath);
  for (const dir of plan.directories) await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const file of plan.files) await writePlanFile(file);
  const installRecord = (state: InstallRecord['state']): InstallRecord => ({
    fingerprint: planRevision,
    kubernetesVersion: plan.kubernetesVersion,
    mode: plan.mode,
    binDir: plan.env['INSTALL_K3S_BIN_DIR'] ?? K3S_HOST_PATHS.defaultBinDir,
    files: plan.files.map((f) => f.path),
    state,
    updatedAt: new Date().toISOString(),
  });
  await writeInstallRecord(installRecord('installing'));

  const run = await runProcess(plan.argv, { env: { ...baseEnv, ...plan.env }, timeoutMs: installMs });
  if (run.code !== 0) {
    const why = run.startError
      ? `could not start: ${run.startError}`
      : run.timedOut
        ? `did not finish within ${installMs / 1000} s`
        : `exited with code ${run.code}`;
    throw new AppError(
      'K3sInstallFailed',
      `the K3s install script (${plan.argv.join(' ')}) ${why}; output ends with: ${outputTail(run.output)}`,
    );
  }
  const installed = await readK3sBinaryVersion(plan.binaryPath, baseEnv);
  if (installed !== plan.kubernetesVersion) {
    throw new AppError(
      'K3sInstallFailed',
      `after the install ${plan.binaryPath} reports K3s ${installed ?? 'no version'}, expected ${plan.kubernetesVersion}`,
    );
  }
  if (plan.readiness) await waitUntilReady(plan.readiness, { readyMs, probeIntervalMs, env: baseEnv });
  await writeInstallRecord(installRecord('ready'));
  return { status: 'installed', kubeconfig: await readKubeconfig(plan, hostAddress), output: run.output, warnings: plan.warnings };
}

/**
 * Without an install record, K3s state on the host is someone else's: installing over it could destroy it. Files
 * that OS packages own are the image's (addon packages put manifests, charts and images under K3s's data
 * directory), so a place holding only those, and the directories leading to them, is not foreign state.
 */
async function refuseForeignK3s(listPackageFiles: () => Promise<ReadonlySet<string>>): Promise<void> {
  let owned: ReadonlySet<string> | null = null;
  for (const path of [K3S_HOST_PATHS.kubeconfig, `${K3S_HOST_PATHS.dataDir}/server`, `${K3S_HOST_PATHS.dataDir}/agent/etc`]) {
    if (!(await lstat(path).catch(() => null))) continue;
    owned ??= await listPackageFiles();
    const foreign = await findUnowned(path, owned);
    if (foreign)
      throw new AppError(
        'InvalidState',
        `K3s state that edge-orch did not install was found at ${foreign}; clean up the host before installing`,
      );
  }
}

/** The first path at or under `path` that no package owns and that is not a directory holding only owned paths. */
async function findUnowned(path: string, owned: ReadonlySet<string>): Promise<string | null> {
  if (owned.has(path)) return null;
  const info = await lstat(path).catch(() => null);
  if (!info) return null;
  if (!info.isDirectory()) return path;
  const names = await readdir(path);
  if (names.length === 0) return path;
  for (const name of names.sort()) {
    const found = await findUnowned(join(path, name), owned);
    if (found) return found;
  }
  return null;
}

/** `rpm -qal` where rpm answers; a host without rpm has no package-owned files. */
async function packageFilesIfAny(): Promise<ReadonlySet<string>> {
  return rpmPackageFiles().catch(() => new Set<string>());
}

/**
 * Whether the K3s this plan installed runs: its binary reports the plan's version and K3s answers. A host that
 * has just booted starts K3s and the agent together, so K3s gets its readiness time before the install runs again.
 */
async function isRunning(
  plan: InstallPlan,
  env: Record<string, string>,
  wait: { readyMs: number; probeIntervalMs: number },
): Promise<boolean> {
  if ((await readK3sBinaryVersion(plan.binaryPath, env)) !== plan.kubernetesVersion) return false;
  if (plan.readiness === null) return true;
  return waitUntilReady(plan.readiness, { ...wait, env }).then(
    () => true,
    () => false,
  );
}

async function readKubeconfig(plan: InstallPlan, hostAddress: string): Promise<string | null> {
  return plan.readiness ? renderKubeconfigForAddress(await readFile(plan.readiness.kubeconfigPath, 'utf8'), hostAddress) : null;
}
