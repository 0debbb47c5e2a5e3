/**
 * Which image configs and SystemConfigs `emt imageconfig add-packagelist` edits. Nothing is edited by default:
 * configs are named (file names or globs with `*` and `?`), a config with several SystemConfigs needs them named
 * too (EMT's full.json got K3s only in its "+ K3s" SystemConfigs), and a package list built for one architecture
 * never goes into a config of another.
 */
import { invalidField } from '../errors.ts';
import type { RpmArch } from './arch.ts';

/** True when `pattern` (a name, `*` any run of characters, `?` one character) matches all of `name`. */
export function matchesGlob(pattern: string, name: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

const isGlob = (pattern: string): boolean => /[*?]/.test(pattern);

/**
 * The architecture of an image config. EMT's image configs do not state it: its aarch64 configs are the ones
 * named `*-aarch64*` or installing an `*-aarch64*` package list (packagelists/core-packages-image-aarch64.json);
 * every other one is x86_64.
 */
export function inferImageConfigArch(file: string, packageLists: readonly string[]): RpmArch {
  return [file, ...packageLists].some((name) => /aarch64/.test(name)) ? 'aarch64' : 'x86_64';
}

/** The config files `patterns` select among `files`; a pattern that selects none fails, naming it. */
export function selectImageConfigs(patterns: readonly string[], files: readonly string[], field = '--config'): string[] {
  if (patterns.length === 0)
    throw invalidField(field, `${field} names no image config; name the files (or globs) to edit, for example edge-image*.json`);
  for (const pattern of patterns) {
    if (!files.some((f) => matchesGlob(pattern, f)))
      throw invalidField(
        field,
        `${field} ${JSON.stringify(pattern)} matches no image config; the directory has ${files.join(', ') || 'none'}`,
      );
  }
  return files.filter((f) => patterns.some((p) => matchesGlob(p, f)));
}

/** True when the config was named exactly (not only through a glob): a mismatch then fails instead of being skipped. */
export const isNamedExactly = (patterns: readonly string[], file: string): boolean => patterns.some((p) => !isGlob(p) && p === file);

/**
 * The SystemConfigs of one file to edit, by index: those whose Name matches a pattern of `--system-config`, or,
 * without patterns, the only SystemConfig with package lists. A file whose SystemConfigs the patterns miss, or
 * that has several without patterns, fails naming its SystemConfigs.
 */
export function selectSystemConfigs(
  file: string,
  systemConfigs: readonly { index: number; name: string | null }[],
  patterns: readonly string[],
): number[] {
  const names = systemConfigs.map((s) => JSON.stringify(s.name ?? `#${s.index}`)).join(', ');
  if (patterns.length === 0) {
    if (systemConfigs.length <= 1) return systemConfigs.map((s) => s.index);
    throw invalidField(
      '--system-config',
      `${file} has ${systemConfigs.length} SystemConfigs with package lists (${names}); choose with --system-config NAME (globs allowed)`,
    );
  }
  const chosen = systemConfigs.filter((s) => patterns.some((p) => matchesGlob(p, s.name ?? '')));
  if (chosen.length === 0)
    throw invalidField(
      '--system-config',
      `--system-config ${patterns.map((p) => JSON.stringify(p)).join(' ')} matches no SystemConfig of ${file} (${names})`,
    );
  return chosen.map((s) => s.index);
}
