/** A download install fetches K3s's install script from the plan's URL (the mirror, or get.k3s.io). */
import { AppError } from '../domain/errors.ts';
import { writePlanFile } from './write-plan-file.ts';

/** A real install script is tens of kilobytes; anything far larger is not one. */
const MAX_INSTALL_SCRIPT_BYTES = 1024 * 1024;

/** Downloads the script (60 s limit, 1 byte to 1 MiB) and writes it 0755 at `path`; fails with K3sInstallFailed. */
export async function downloadInstallScript(url: string, path: string): Promise<void> {
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
