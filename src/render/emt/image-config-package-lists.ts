/**
 * Adds a package list to an EMT toolkit image config (`SystemConfigs[].PackageLists`) by inserting bytes into
 * the file's text: key order, indentation, line endings and everything else stay exactly as they were, and a
 * second run finds the entry and changes nothing.
 */
import { invalidField } from '../../domain/errors.ts';
import { findEntry, parseJsonSource, type JsonNode } from './json-source-parser.ts';

export interface SystemConfigResult {
  /** Index in `SystemConfigs`. */
  index: number;
  name: string | null;
  state: 'added' | 'already present' | 'not selected';
}

/** A SystemConfig that has `PackageLists`, as found in the file. */
export interface SystemConfigLists {
  index: number;
  name: string | null;
  packageLists: string[];
}

/**
 * A package list path as the toolkit resolves it, relative to the config's directory: `./packagelists/k3s.json`
 * and `packagelists//k3s.json` are `packagelists/k3s.json`.
 */
export function normalizePackageListPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** The SystemConfigs of a config that have `PackageLists`, with their names and lists; `file` names it in errors. */
export function readSystemConfigLists(text: string, file: string): SystemConfigLists[] {
  const systemConfigs = findEntry(parseJsonSource(text, file), 'SystemConfigs');
  if (!systemConfigs || systemConfigs.kind !== 'array') return [];
  return systemConfigs.items.flatMap((config, index) => {
    const lists = findEntry(config, 'PackageLists');
    if (!lists) return [];
    const field = `SystemConfigs/${index}/PackageLists`;
    if (lists.kind !== 'array' || lists.items.some((i) => i.kind !== 'scalar' || typeof i.value !== 'string')) {
      throw invalidField(field, `${file}: ${field} must be a list of package list paths`);
    }
    const nameNode = findEntry(config, 'Name');
    const name = nameNode?.kind === 'scalar' && typeof nameNode.value === 'string' ? nameNode.value : null;
    return [{ index, name, packageLists: lists.items.map((i) => (i.kind === 'scalar' ? String(i.value) : '')) }];
  });
}

export interface PackageListEdit {
  /** The new text; equal to the input when nothing was added. */
  text: string;
  /** One row per SystemConfig that has `PackageLists`; empty when the file has none (not an image config). */
  systemConfigs: SystemConfigResult[];
}

/** The file's indent unit: the leading whitespace of its first indented line (four spaces when there is none). */
export function detectIndent(text: string): string {
  return /^([ \t]+)\S/m.exec(text)?.[1] ?? '    ';
}

/**
 * Appends `entry` to the `PackageLists` of the SystemConfigs `selected` (indexes in `SystemConfigs`) that lack it
 * (compared as normalized paths). `file` names the config in errors: not JSON (MalformedDocument with line and
 * column), or `PackageLists` that is not a list of strings.
 */
export function addPackageListToImageConfig(text: string, file: string, entry: string, selected: ReadonlySet<number>): PackageListEdit {
  const wanted = normalizePackageListPath(entry);
  const root = parseJsonSource(text, file);
  const systemConfigs = findEntry(root, 'SystemConfigs');
  const results: SystemConfigResult[] = [];
  const inserts: { at: number; end: number; text: string }[] = [];
  for (const config of readSystemConfigLists(text, file)) {
    const present = config.packageLists.some((l) => normalizePackageListPath(l) === wanted);
    const state = !selected.has(config.index) ? 'not selected' : present ? 'already present' : 'added';
    results.push({ index: config.index, name: config.name, state });
    if (state !== 'added' || systemConfigs?.kind !== 'array') continue;
    const lists = findEntry(systemConfigs.items[config.index]!, 'PackageLists');
    if (lists?.kind === 'array') inserts.push(computeInsert(text, lists, wanted));
  }
  let edited = text;
  for (const insert of inserts.sort((a, b) => b.at - a.at)) edited = edited.slice(0, insert.at) + insert.text + edited.slice(insert.end);
  return { text: edited, systemConfigs: results };
}

/** Where and what to insert so the new item looks like its neighbours. */
function computeInsert(text: string, list: Extract<JsonNode, { kind: 'array' }>, entry: string): { at: number; end: number; text: string } {
  const quoted = JSON.stringify(entry);
  const last = list.items.at(-1);
  if (last) {
    // The whitespace that precedes the last item (after "[" or ",") precedes the new one too.
    let p = last.start;
    while (p > list.start && ' \t\r\n'.includes(text[p - 1]!)) p--;
    return { at: last.end, end: last.end, text: `,${text.slice(p, last.start)}${quoted}` };
  }
  // An empty list: one item on its own line, indented one unit deeper than the line that opens the list.
  const lineStart = text.lastIndexOf('\n', list.start) + 1;
  const lineIndent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  // A file written on one line stays on one line.
  const body = text.includes('\n') ? `${newline}${lineIndent}${detectIndent(text)}${quoted}${newline}${lineIndent}` : quoted;
  return { at: list.start + 1, end: list.end - 1, text: body };
}
