/**
 * Executes an install plan on this host: checks what an air-gapped install needs is really there, writes the
 * plan's files, runs K3s's install script without a shell, waits until K3s answers, and returns the kubeconfig
 * pointed at the host's address. Idempotent: a host already running the same plan is left alone.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, chmod, constants, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { K3S_HOST_PATHS, type PlanFile } from '../domain/bootstrap/bootstrap-plan.ts';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { renderKubeconfigForAddress } from '../render/bootstrap/kubeconfig.ts';

/** The only PATH the install script gets: system directories, nothing from the agent's own environment. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/** A small fixed environment (PATH, HOME, LANG, proxies): the agent's own variables, credentials included, stay out. */
export function safeBaseEnv(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: SAFE_PATH, HOME: '/root', LANG: 'C.UTF-8' };
  for (const name of PROXY_VARIABLES) if (from[name]) env[name] = from[name]!;
  return env;
}

export interface CommandResult {
  /** Exit code; null when killed by a signal or not started. */
  code: number | null;
  stdout: string;
  /** stdout and stderr as they came, at most `outputLimit` bytes (the end is kept). */
  output: string;
  timedOut: boolean;
  /** Set when the program could not be started (for example ENOENT). */
  startError?: string;
}

/** Runs argv without a shell, in its own process group (killed whole on timeout), with bounded output. */
export function runCommand(
  argv: string[],
  { env, timeoutMs, outputLimit = 64 * 1024 }: { env: Record<string, string>; timeoutMs: number; outputLimit?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const [program, ...args] = argv;
    const child = spawn(program!, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout = new BoundedText(outputLimit);
    const output = new BoundedText(outputLimit);
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout.add(chunk), output.add(chunk)));
    child.stderr.on('data', (chunk: Buffer) => output.add(chunk));
    const finish = (result: Omit<CommandResult, 'stdout' | 'output' | 'timedOut'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ ...result, stdout: stdout.text(), output: output.text(), timedOut });
    };
    child.on('error', (error) => finish({ code: null, startError: error.message }));
    // A background process the script leaves behind may keep the pipes open: 'exit' decides, 'close' only waits a bit.
    child.on('close', (code) => finish({ code }));
    child.on('exit', (code) => void setTimeout(() => finish({ code }), 500).unref());
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

class BoundedText {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;
  constructor(limit: number) {
    this.#limit = limit;
  }
  add(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#limit && this.#chunks.length > 0) {
      const over = this.#size - this.#limit;
      const first = this.#chunks[0]!;
      if (first.length <= over) {
        this.#chunks.shift();
        this.#size -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[0] = first.subarray(over);
        this.#size -= over;
        this.#dropped += over;
      }
    }
  }
  text(): string {
    const body = Buffer.concat(this.#chunks).toString('utf8');
    return this.#dropped > 0 ? `[${this.#dropped} bytes of earlier output dropped]\n${body}` : body;
  }
}

/** What the agent records on the host about its install (K3S_HOST_PATHS.marker); cleanup reads it too. */
export interface InstallRecord {
  fingerprint: string;
  kubernetesVersion: string;
  mode: InstallPlan['mode'];
  binDir: string;
  /** Files the agent wrote (template files and the K3s config). */
  files: string[];
  state: 'installing' | 'ready';
  updatedAt: string;
}

export async function readInstallRecord(path: string = K3S_HOST_PATHS.marker): Promise<InstallRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as InstallRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('InvalidState', `the install record ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

export interface RunInstallOptions {
  plan: InstallPlan;
  /** The address others reach this host at; the returned kubeconfig's server points there. */
  hostAddress: string;
  timeouts?: { installMs?: number; readyMs?: number; probeIntervalMs?: number };
  /** The base environment of every command; defaults to safeBaseEnv(). plan.env is added to it for the install script. */
  baseEnv?: Record<string, string>;
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
export async function runInstall({ plan, hostAddress, timeouts = {}, baseEnv = safeBaseEnv() }: RunInstallOptions): Promise<InstallResult> {
  const { installMs = 600_000, readyMs = 300_000, probeIntervalMs = 2_000 } = timeouts;
  renderKubeconfigForAddress('{}', hostAddress); // checks the address before anything is touched
  if ((plan.mode === 'air-gapped') !== (plan.verify !== null) || (plan.mode === 'download') !== (plan.download !== null)) {
    throw new AppError(
      'InvalidState',
      `the install plan is inconsistent: mode ${plan.mode} with${plan.verify ? '' : 'out'} verify and with${plan.download ? '' : 'out'} download`,
    );
  }
  const fingerprint = planFingerprint(plan);
  const record = await readInstallRecord();
  if (record && record.fingerprint !== fingerprint) {
    throw new AppError(
      'InvalidState',
      `K3s ${record.kubernetesVersion} is already installed on this host from a different plan (recorded ${record.updatedAt}); clean up the host before installing ${plan.kubernetesVersion}`,
    );
  }
  if (record?.state === 'ready' && (await isRunning(plan, baseEnv))) {
    return { status: 'already-installed', kubeconfig: await readKubeconfig(plan, hostAddress), output: '', warnings: plan.warnings };
  }
  if (!record) {
    const foreign = await firstExisting([
      K3S_HOST_PATHS.kubeconfig,
      `${K3S_HOST_PATHS.dataDir}/server`,
      `${K3S_HOST_PATHS.dataDir}/agent/etc`,
    ]);
    if (foreign)
      throw new AppError(
        'InvalidState',
        `K3s state that edge-orch did not install was found at ${foreign}; clean up the host before installing`,
      );
  }

  if (plan.verify) await verifyEmbedded(plan.verify, baseEnv);
  if (plan.download) await downloadInstallScript(plan.download.installScriptUrl, plan.installScriptPath);
  for (const dir of plan.directories) await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const file of plan.files) await writePlanFile(file);
  const installRecord = (state: InstallRecord['state']): InstallRecord => ({
    fingerprint,
    kubernetesVersion: plan.kubernetesVersion,
    mode: plan.mode,
    binDir: plan.env['INSTALL_K3S_BIN_DIR'] ?? K3S_HOST_PATHS.defaultBinDir,
    files: plan.files.map((f) => f.path),
    state,
    updatedAt: new Date().toISOString(),
  });
  await writeRecord(installRecord('installing'));

  const run = await runCommand(plan.argv, { env: { ...baseEnv, ...plan.env }, timeoutMs: installMs });
  if (run.code !== 0) {
    const why = run.startError
      ? `could not start: ${run.startError}`
      : run.timedOut
        ? `did not finish within ${installMs / 1000} s`
        : `exited with code ${run.code}`;
    throw new AppError('K3sInstallFailed', `the K3s install script (${plan.argv.join(' ')}) ${why}; output ends with: ${tail(run.output)}`);
  }
  const installed = await binaryVersion(plan.binaryPath, baseEnv);
  if (installed !== plan.kubernetesVersion) {
    throw new AppError(
      'K3sInstallFailed',
      `after the install ${plan.binaryPath} reports K3s ${installed ?? 'no version'}, expected ${plan.kubernetesVersion}`,
    );
  }
  if (plan.readiness) await waitUntilReady(plan.readiness, { readyMs, probeIntervalMs, env: baseEnv });
  await writeRecord(installRecord('ready'));
  return { status: 'installed', kubeconfig: await readKubeconfig(plan, hostAddress), output: run.output, warnings: plan.warnings };
}

function planFingerprint(plan: InstallPlan): string {
  const { kubernetesVersion, mode, directories, files, env, argv } = plan;
  return createHash('sha256').update(JSON.stringify({ kubernetesVersion, mode, directories, files, env, argv })).digest('hex');
}

async function verifyEmbedded(verify: NonNullable<InstallPlan['verify']>, env: Record<string, string>): Promise<void> {
  const mismatch = (detail: string): AppError =>
    new AppError('K3sArtifactMismatch', `${detail}; an air-gapped install never downloads K3s instead`);
  if (!(await isExecutable(verify.binaryPath))) throw mismatch(`the K3s binary ${verify.binaryPath} is missing or not executable`);
  const version = await binaryVersion(verify.binaryPath, env);
  if (version !== verify.expectedVersion) {
    throw mismatch(`${verify.binaryPath} reports K3s ${version ?? 'no version'}, expected ${verify.expectedVersion}`);
  }
  if (!(await firstExisting([verify.installScriptPath]))) throw mismatch(`the K3s install script ${verify.installScriptPath} is missing`);
  for (const image of verify.airgapImages) {
    const actual = await sha256File(image.path);
    if (actual === null) throw mismatch(`the air-gap image ${image.path} is missing`);
    if (actual !== image.sha256) throw mismatch(`the air-gap image ${image.path} has sha256 ${actual}, expected ${image.sha256}`);
  }
}

/** `k3s --version` prints `k3s version v1.32.4+k3s1 (hash)` first; null when it does not run or says otherwise. */
async function binaryVersion(binaryPath: string, env: Record<string, string>): Promise<string | null> {
  const run = await runCommand([binaryPath, '--version'], { env, timeoutMs: 30_000, outputLimit: 4096 });
  return run.code === 0 ? (/^k3s version (v\S+)/.exec(run.stdout)?.[1] ?? null) : null;
}

async function isRunning(plan: InstallPlan, env: Record<string, string>): Promise<boolean> {
  if ((await binaryVersion(plan.binaryPath, env)) !== plan.kubernetesVersion) return false;
  return plan.readiness === null || (await probe(plan.readiness, env, 10_000)) === null;
}

/** Null when ready, otherwise why not. */
async function probe(
  readiness: NonNullable<InstallPlan['readiness']>,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<string | null> {
  if (!(await firstExisting([readiness.kubeconfigPath]))) return `${readiness.kubeconfigPath} does not exist yet`;
  const run = await runCommand(readiness.argv, { env, timeoutMs, outputLimit: 4096 });
  if (run.code === 0 && run.stdout.trim() === 'ok') return null;
  return `${readiness.argv.join(' ')} answered ${JSON.stringify(tail(run.output, 300))}${run.timedOut ? ' (timed out)' : ''}`;
}

async function waitUntilReady(
  readiness: NonNullable<InstallPlan['readiness']>,
  { readyMs, probeIntervalMs, env }: { readyMs: number; probeIntervalMs: number; env: Record<string, string> },
): Promise<void> {
  const deadline = Date.now() + readyMs;
  for (;;) {
    const notReady = await probe(readiness, env, Math.max(1000, Math.min(10_000, deadline - Date.now())));
    if (notReady === null) return;
    if (Date.now() + probeIntervalMs > deadline) {
      throw new AppError('K3sInstallFailed', `K3s did not become ready within ${readyMs / 1000} s: ${notReady}`);
    }
    await sleep(probeIntervalMs);
  }
}

async function readKubeconfig(plan: InstallPlan, hostAddress: string): Promise<string | null> {
  return plan.readiness ? renderKubeconfigForAddress(await readFile(plan.readiness.kubeconfigPath, 'utf8'), hostAddress) : null;
}

const MAX_INSTALL_SCRIPT_BYTES = 1024 * 1024;

async function downloadInstallScript(url: string, path: string): Promise<void> {
  let body: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000), redirect: 'follow' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new AppError('K3sInstallFailed', `downloading the K3s install script from ${url} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (body.length === 0 || body.length > MAX_INSTALL_SCRIPT_BYTES) {
    throw new AppError(
      'K3sInstallFailed',
      `the K3s install script from ${url} has ${body.length} bytes; expected 1 to ${MAX_INSTALL_SCRIPT_BYTES}`,
    );
  }
  await writePlanFile({ path, content: body.toString('base64'), mode: 0o755, encoding: 'base64' });
}

/** Writes through a temporary file and rename, so a symlink planted at `path` is replaced, never followed. */
export async function writePlanFile(file: PlanFile): Promise<void> {
  await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
  const temporary = `${file.path}.edge-orch-${process.pid}.tmp`;
  try {
    await writeFile(temporary, file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content, {
      mode: file.mode,
      flag: 'wx',
    });
    await chmod(temporary, file.mode);
    await rename(temporary, file.path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeRecord(record: InstallRecord): Promise<void> {
  await writePlanFile({ path: K3S_HOST_PATHS.marker, content: `${JSON.stringify(record, null, 2)}\n`, mode: 0o600, encoding: 'utf8' });
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

const isExecutable = (path: string): Promise<boolean> =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

async function sha256File(path: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(null) : reject(error)))
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

const tail = (text: string, max = 1500): string => (text.length > max ? `…${text.slice(-max)}` : text).trim();
