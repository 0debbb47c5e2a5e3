/** The image manifest on the host (HOST_MANIFEST_PATH): what the agent reports as the OS it runs. */
import { readFile } from 'node:fs/promises';
import type { AgentReport } from '../domain/bootstrap/agent-report.ts';
import { AppError, invalidField } from '../domain/errors.ts';
import type { OsType } from '../domain/inventory/os-profile.ts';

export type ReportedManifest = NonNullable<AgentReport['manifest']>;

/**
 * The manifest's `image` and `kubernetes` sections (the package list stays on the host: the server reads only
 * these); null when the file is missing. Throws when it exists but is not a manifest, naming the file.
 */
export async function readImageManifest(path: string): Promise<ReportedManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new AppError('MalformedDocument', `the image manifest ${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const image = (doc as { image?: unknown } | null)?.image as Record<string, unknown> | undefined;
  if (typeof image !== 'object' || image === null || typeof image['name'] !== 'string') {
    throw invalidField('image/name', `the image manifest ${path} has no image section with a name`);
  }
  const kubernetes = (doc as { kubernetes?: ReportedManifest['kubernetes'] }).kubernetes;
  return { image: image as unknown as ReportedManifest['image'], ...(kubernetes ? { kubernetes } : {}) };
}

/** The OS type the manifest declares; a host without a manifest is treated as mutable (nothing is read-only). */
export const manifestOsType = (manifest: ReportedManifest | null): OsType =>
  manifest?.image.osType === 'immutable' ? 'immutable' : 'mutable';
