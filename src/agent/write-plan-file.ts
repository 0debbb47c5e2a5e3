/** Writing one of an install plan's files on the host. */
import type { PlanFile } from '../domain/bootstrap/bootstrap-plan.ts';
import { writeFileAtomic } from '../system/write-file-atomic.ts';

/** Decodes the file's content and writes it atomically with its mode, so a symlink planted at its path is replaced, never followed. */
export async function writePlanFile(file: PlanFile): Promise<void> {
  await writeFileAtomic(file.path, file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content, { mode: file.mode });
}
