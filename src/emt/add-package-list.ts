/**
 * `edge-orch emt imageconfig add-packagelist`: appends a package list to `SystemConfigs[].PackageLists` of every
 * image config (*.json) directly in a directory. Every config is read and edited in memory first; only when all
 * of them parse is each changed file written (atomically, keeping its mode). Unchanged files are not touched.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { invalidField } from '../domain/errors.ts';
import { addPackageListToImageConfig, type SystemConfigResult } from '../render/emt/image-config-package-lists.ts';
import { writeFileAtomic } from '../system/write-file-atomic.ts';
import { requireDirectory } from './files.ts';

export interface ImageConfigResult {
  /** The config's file name in the directory. */
  file: string;
  state: 'added' | 'already present' | 'no PackageLists';
  systemConfigs: SystemConfigResult[];
}

export async function addPackageListToImageConfigs({ dir, entry }: { dir: string; entry: string }): Promise<ImageConfigResult[]> {
  await requireDirectory(dir, '--dir');
  if (entry === '' || isAbsolute(entry) || normalize(entry).startsWith('..')) {
    throw invalidField(
      'packagelist',
      `package list ${JSON.stringify(entry)} must be a path relative to ${dir}, for example packagelists/k3s.json`,
    );
  }
  if (
    !(await stat(join(dir, entry)).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw invalidField(
      'packagelist',
      `package list ${entry} does not exist in ${dir}; write it first with edge-orch emt packagelist k3s --out ${join(dir, entry)}`,
    );
  }
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name)
    .sort();
  if (files.length === 0) throw invalidField('--dir', `--dir ${dir} holds no image configs (*.json)`);

  const edits = [];
  for (const file of files) {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8');
    edits.push({ file, path, text, edit: addPackageListToImageConfig(text, path, entry) });
  }
  const results: ImageConfigResult[] = [];
  for (const { file, path, text, edit } of edits) {
    if (edit.text !== text) await writeFileAtomic(path, edit.text, { mode: (await stat(path)).mode & 0o7777 });
    const state =
      edit.systemConfigs.length === 0
        ? 'no PackageLists'
        : edit.systemConfigs.some((s) => s.state === 'added')
          ? 'added'
          : 'already present';
    results.push({ file, state, systemConfigs: edit.systemConfigs });
  }
  return results;
}
