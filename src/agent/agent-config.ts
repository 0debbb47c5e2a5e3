/**
 * The agent's settings file (`edge-orch agent --config FILE`, /etc/edge-orch/agent.yaml in the packaged unit): a
 * YAML mapping whose keys are the long flags in camelCase. It keeps the enrollment token off the command line,
 * which `ps` shows to every user. Flags given on the command line (or in their environment variables) override it.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, parseDocument } from 'yaml';
import { invalidField, invalidFields } from '../domain/errors.ts';
import { parsedProblems, parsedValue, type Parsed, type Problem } from '../domain/problem.ts';
import type { AgentSettings } from './agent-settings.ts';

/** The settings a file may hold: every flag of `edge-orch agent`, and the global --server and --ca-file. */
export type AgentConfig = Partial<Omit<AgentSettings, 'insideHostRoot'>>;

type Kind = 'text' | 'path' | 'boolean';

/** Each key and what it holds; paths must be absolute (a file read by a service has no meaningful working directory). */
export const AGENT_CONFIG_KEYS: Readonly<Record<keyof AgentConfig, Kind>> = {
  server: 'text',
  enrollToken: 'text',
  caFile: 'path',
  mirrorUrl: 'text',
  uuid: 'text',
  serial: 'text',
  address: 'text',
  stateDir: 'path',
  root: 'path',
  once: 'boolean',
  insecureHttp: 'boolean',
};

const EXPECTED: Record<Kind, string> = {
  text: 'a non-empty string',
  path: 'an absolute path (starting with /)',
  boolean: 'true or false',
};

const camelCase = (key: string): string => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/^--?/, '');

/** Parses the text of a settings file; `file` names it in every problem, with the line of the key at fault. */
export function parseAgentConfig(text: string, file: string): Parsed<AgentConfig> {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : text.slice(0, offset).split('\n').length);
  if (doc.errors.length > 0) {
    return parsedProblems(
      ...doc.errors.map((e) => ({ field: file, message: `${file} line ${lineOf(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  // A file with nothing but comments is an empty mapping: the settings then come from the flags.
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return parsedValue({});
  if (!isMap(doc.contents)) {
    return parsedProblems({ field: file, message: `${file}: expected a mapping of settings (key: value), got ${describe(doc.toJS())}` });
  }
  const config: Record<string, string | boolean> = {};
  const problems: Problem[] = [];
  const known = Object.keys(AGENT_CONFIG_KEYS);
  for (const pair of doc.contents.items) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : JSON.stringify(keyNode);
    const at = `${file} line ${lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined)}`;
    const kind = (AGENT_CONFIG_KEYS as Record<string, Kind>)[key];
    if (!kind) {
      const hint = known.includes(camelCase(key)) ? ` (did you mean ${camelCase(key)}?)` : '';
      problems.push({ field: key, message: `${at}: unknown key ${JSON.stringify(key)}${hint}; expected one of ${known.join(', ')}` });
      continue;
    }
    const value: unknown = isScalar(pair.value) ? pair.value.value : pair.value?.toJSON();
    const ok =
      kind === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'string' && value.trim() !== '' && (kind === 'text' || value.startsWith('/'));
    if (!ok) {
      // The value of enrollToken is a secret: never repeat it.
      const got = key === 'enrollToken' ? describeSecret(value) : describe(value);
      problems.push({ field: key, message: `${at}: ${key} must be ${EXPECTED[kind]}, got ${got}` });
      continue;
    }
    config[key] = value as string | boolean;
  }
  return problems.length > 0 ? parsedProblems(...problems) : parsedValue(config as AgentConfig);
}

/** Reads and parses a settings file; every problem is reported at once (InvalidField naming the file and key). */
export async function readAgentConfig(file: string): Promise<AgentConfig> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw invalidField('config', `--config ${file} cannot be read (${error.code ?? error.message})`);
  });
  const parsed = parseAgentConfig(text, file);
  if (!parsed.ok) throw invalidFields(parsed.problems);
  return parsed.value;
}

/** What kind of value a secret's key holds, without its content. */
const describeSecret = (value: unknown): string =>
  value === null || value === undefined ? 'nothing' : typeof value === 'string' ? 'an empty string' : `a value that is not a string`;

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
