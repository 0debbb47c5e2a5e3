/**
 * The install marker (K3S_HOST_PATHS.marker): what the agent records on the host about the K3s it installed, so
 * that a restarted agent knows the install is its own and which plan it ran, and cleanup knows what to remove.
 */
import { readFile } from 'node:fs/promises';
import { K3S_HOST_PATHS } from '../domain/bootstrap/bootstrap-plan.ts';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { writeFileAtomic } from '../system/write-file-atomic.ts';

export interface InstallRecord {
  /** The install plan's revision (planRevision of the desired state); the field keeps its first name on disk. */
  fingerprint: string;
  kubernetesVersion: string;
  mode: InstallPlan['mode'];
  binDir: string;
  /** Files the agent wrote (template files and the K3s config). */
  files: string[];
  state: 'installing' | 'ready';
  updatedAt: string;
}

/** The record, or null when there is none; a record that cannot be read fails (InvalidState) rather than be ignored. */
export async function readInstallRecord(path: string = K3S_HOST_PATHS.marker): Promise<InstallRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as InstallRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('InvalidState', `the install record ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes the record 0600, atomically. */
export async function writeInstallRecord(record: InstallRecord, path: string = K3S_HOST_PATHS.marker): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}
