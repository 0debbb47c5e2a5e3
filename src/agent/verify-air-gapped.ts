/**
 * Before an air-gapped install: K3s as the image embedded it must really be there (binary, version, install
 * script, every air-gap image with its sha256), since an air-gapped install never downloads K3s instead.
 */
import { access, constants, stat } from 'node:fs/promises';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { sha256File } from '../system/sha256-file.ts';
import { readK3sBinaryVersion } from './k3s-binary-version.ts';

/** Fails with K3sArtifactMismatch naming the file, the expected and the actual value. */
export async function verifyAirGapped(verify: NonNullable<InstallPlan['verify']>, env: Record<string, string>): Promise<void> {
  const mismatch = (detail: string): AppError =>
    new AppError('K3sArtifactMismatch', `${detail}; an air-gapped install never downloads K3s instead`);
  if (!(await isExecutable(verify.binaryPath))) throw mismatch(`the K3s binary ${verify.binaryPath} is missing or not executable`);
  const version = await readK3sBinaryVersion(verify.binaryPath, env);
  if (version !== verify.expectedVersion) {
    throw mismatch(`${verify.binaryPath} reports K3s ${version ?? 'no version'}, expected ${verify.expectedVersion}`);
  }
  if (!(await exists(verify.installScriptPath))) throw mismatch(`the K3s install script ${verify.installScriptPath} is missing`);
  for (const image of verify.airgapImages) {
    const actual = await sha256File(image.path);
    if (actual === null) throw mismatch(`the air-gap image ${image.path} is missing`);
    if (actual !== image.sha256) throw mismatch(`the air-gap image ${image.path} has sha256 ${actual}, expected ${image.sha256}`);
  }
}

const isExecutable = (path: string): Promise<boolean> =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );
