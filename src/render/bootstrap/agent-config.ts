/**
 * The agent's settings file (`edge-orch agent --config FILE`, /etc/edge-orch/agent.yaml in the agent package): a
 * YAML mapping whose keys are the long flags in camelCase. It keeps the enrollment token off the command line,
 * which `ps` shows to every user. The agent reads it (agent/agent-config.ts); the image build checks the one it
 * packages.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { parsedProblems, parsedValue, type Parsed, type Problem } from '../../domain/problem.ts';

/** The settings a file may hold: every flag of `edge-orch agent`, and the global --server and --ca-file. */
export interface AgentConfig {
  server?: string;
  enrollToken?: string;
  caFile?: string;
  mirrorUrl?: string;
  uuid?: string;
  serial?: string;
  address?: string;
  stateDir?: string;
  root?: string;
  once?: boolean;
  insecureHttp?: boolean;
}

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

/** What kind of value a secret's key holds, without its content. */
const describeSecret = (value: unknown): string =>
  value === null || value === undefined ? 'nothing' : typeof value === 'string' ? 'an empty string' : `a value that is not a string`;

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The settings file the agent package installs when the image build gives none: every key, commented out. */
export function renderAgentConfigTemplate(): string {
  return [
    '# edge-orch agent settings, read by edge-orch-agent.service (edge-orch-agent --config <this file>).',
    '# Keys are the long flags of `edge-orch agent` in camelCase. Keep this file 0600: it holds the enrollment token.',
    '# The agent starts once server and enrollToken are set.',
    '#',
    '# server: https://orchestrator.example:8080',
    "# enrollToken: <the project's enrollment token>",
    "# caFile: /etc/edge-orch/ca.crt            # the orchestrator's CA, trusted until enrollment pins it",
    '# mirrorUrl: http://mirror.example/mirror  # the only mirror K3s may be downloaded from',
    '# address: 192.0.2.10                      # put into the kubeconfig; default: the first non-loopback address',
    '# stateDir: /var/lib/edge-orch-agent',
    '',
  ].join('\n');
}
