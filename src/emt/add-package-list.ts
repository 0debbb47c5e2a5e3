/**
 * `edge-orch emt imageconfig add-packagelist`: appends a package list to `SystemConfigs[].PackageLists` of the
 * image configs and SystemConfigs named (domain/emt/image-config-selection.ts), never to a config of another
 * architecture. Every selected config is read and edited in memory first; only when all of them parse, and
 * unless it is a dry run, is each changed file written (atomically, keeping its mode). Other files are not read
 * or touched.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { invalidField } from '../domain/errors.ts';
import type { RpmArch } from '../domain/emt/arch.ts';
import { inferImageConfigArch, isNamedExactly, selectImageConfigs, selectSystemConfigs } from '../domain/emt/image-config-selection.ts';
import {
  addPackageListToImageConfig,
  normalizePackageListPath,
  readSystemConfigLists,
  type SystemConfigResult,
} from '../render/emt/image-config-package-lists.ts';
import { writeFileAtomic } from '../system/write-file-atomic.ts';
import { requireDirectory } from './files.ts';

export interface AddPackageListInput {
  dir: string;
  /** The package list, relative to `dir` (`packagelists/k3s.json`; `./packagelists/k3s.json` is the same). */
  entry: string;
  /** Config file names or globs in `dir`. */
  configs: readonly string[];
  /** SystemConfig names or globs; needed for configs with several SystemConfigs. */
  systemConfigs?: readonly string[];
  /** The architecture of the list's packages; null for a list of noarch packages, which fits every config. */
  arch: RpmArch | null;
  /** Report what would change and write nothing. */
  dryRun?: boolean;
}

export interface ImageConfigResult {
  /** The config's file name in the directory. */
  file: string;
  arch: RpmArch;
  state: 'added' | 'would add' | 'already present' | 'other architecture';
  systemConfigs: (Omit<SystemConfigResult, 'state'> & { state: SystemConfigResult['state'] | 'would add' })[];
}

export async function addPackageListToImageConfigs(input: AddPackageListInput): Promise<ImageConfigResult[]> {
  const { dir, configs, systemConfigs = [], arch, dryRun = false } = input;
  await requireDirectory(dir, '--dir');
  const entry = normalizePackageListPath(input.entry);
  if (entry === '' || isAbsolute(input.entry) || entry.startsWith('..')) {
    throw invalidField(
      'packagelist',
      `package list ${JSON.stringify(input.entry)} must be a path relative to ${dir}, for example packagelists/k3s.json`,
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
  const selected = selectImageConfigs(configs, files);

  const edits = [];
  for (const file of selected) {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8');
    const lists = readSystemConfigLists(text, path);
    if (lists.length === 0) throw invalidField('--config', `${file} has no SystemConfigs[].PackageLists; it is not an image config`);
    const configArch = inferImageConfigArch(
      file,
      lists.flatMap((l) => l.packageLists),
    );
    if (arch !== null && configArch !== arch) {
      if (isNamedExactly(configs, file))
        throw invalidField('--config', `${file} is an ${configArch} image config; the package list is for ${arch} (--arch)`);
      edits.push({ file, path, text, arch: configArch, edit: null });
      continue;
    }
    const chosen = new Set(selectSystemConfigs(file, lists, systemConfigs));
    edits.push({ file, path, text, arch: configArch, edit: addPackageListToImageConfig(text, path, entry, chosen) });
  }
  const results: ImageConfigResult[] = [];
  for (const { file, path, text, arch: configArch, edit } of edits) {
    if (!edit) {
      results.push({ file, arch: configArch, state: 'other architecture', systemConfigs: [] });
      continue;
    }
    const changed = edit.text !== text;
    if (changed && !dryRun) await writeFileAtomic(path, edit.text, { mode: (await stat(path)).mode & 0o7777 });
    results.push({
      file,
      arch: configArch,
      state: !changed ? 'already present' : dryRun ? 'would add' : 'added',
      systemConfigs: edit.systemConfigs.map((s) => (dryRun && s.state === 'added' ? { ...s, state: 'would add' } : s)),
    });
  }
  return results;
}
