/**
 * The kubeconfig an agent uploads is handed to operators, whose kubectl would run any `exec:` command, follow
 * any file path and trust any proxy it names. Only what K3s itself writes is accepted: clusters with an
 * `https://<address>:<port>` server and inline CA data, users with an inline client certificate and key or a
 * token, contexts joining them. The accepted document is rewritten from the checked values, so nothing else
 * (comments, anchors, tags, unknown keys) reaches an operator.
 */
import { parse, stringify } from 'yaml';
import { invalidField } from '../errors.ts';
import { describe, isRecord, type Doc } from '../fields.ts';

const FIELD = 'cluster/kubeconfig';
const TOP_KEYS = ['apiVersion', 'kind', 'clusters', 'contexts', 'users', 'current-context', 'preferences'];
const CLUSTER_KEYS = ['server', 'certificate-authority-data', 'tls-server-name'];
const USER_KEYS = ['client-certificate-data', 'client-key-data', 'token'];
const CONTEXT_KEYS = ['cluster', 'user', 'namespace'];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$/;

/** The kubeconfig rewritten from its checked values; InvalidField (`cluster/kubeconfig`) naming what is refused. */
export function parseReportedKubeconfig(text: string): string {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0 });
  } catch (error) {
    throw invalidField(FIELD, `${FIELD} is not YAML: ${(error as Error).message}`);
  }
  if (!isRecord(doc)) throw invalidField(FIELD, `${FIELD} must be a kubeconfig object, got ${describe(doc)}`);
  onlyKeys(doc, TOP_KEYS, '');
  if ((doc['kind'] ?? 'Config') !== 'Config' || (doc['apiVersion'] ?? 'v1') !== 'v1') refuse('', 'kind must be Config and apiVersion v1');
  if (doc['preferences'] !== undefined && !(isRecord(doc['preferences']) && Object.keys(doc['preferences']).length === 0))
    refuse('preferences', 'must be empty');
  const clusters = entries(doc, 'clusters', 'cluster', (cluster, at) => {
    onlyKeys(cluster, CLUSTER_KEYS, at);
    return {
      server: serverUrl(cluster['server'], `${at}/server`),
      ...optionalString(cluster, 'certificate-authority-data', at, BASE64),
      ...optionalString(cluster, 'tls-server-name', at, HOST),
    };
  });
  const users = entries(doc, 'users', 'user', (user, at) => {
    onlyKeys(user, USER_KEYS, at);
    const hasCertificate = user['client-certificate-data'] !== undefined && user['client-key-data'] !== undefined;
    if (!hasCertificate && user['token'] === undefined)
      refuse(at, 'needs client-certificate-data with client-key-data, or a token (nothing else authenticates)');
    return {
      ...optionalString(user, 'client-certificate-data', at, BASE64),
      ...optionalString(user, 'client-key-data', at, BASE64),
      ...optionalString(user, 'token', at, /^[\x21-\x7e]+$/),
    };
  });
  const contexts = entries(doc, 'contexts', 'context', (context, at) => {
    onlyKeys(context, CONTEXT_KEYS, at);
    const named = (key: 'cluster' | 'user', names: string[]): string => {
      const name = context[key];
      if (typeof name !== 'string' || !names.includes(name)) refuse(`${at}/${key}`, `must name one of the ${key}s`);
      return name as string;
    };
    return {
      cluster: named(
        'cluster',
        clusters.map((c) => c.name),
      ),
      user: named(
        'user',
        users.map((u) => u.name),
      ),
      ...optionalString(context, 'namespace', at, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    };
  });
  const current = doc['current-context'];
  if (current !== undefined && !contexts.some((c) => c.name === current)) refuse('current-context', 'must name one of the contexts');
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: clusters.map(({ name, value }) => ({ name, cluster: value })),
      contexts: contexts.map(({ name, value }) => ({ name, context: value })),
      users: users.map(({ name, value }) => ({ name, user: value })),
      ...(typeof current === 'string' ? { 'current-context': current } : {}),
    },
    { lineWidth: 0 },
  );
}

function refuse(at: string, what: string): never {
  const field = at ? `${FIELD}/${at}` : FIELD;
  throw invalidField(field, `${field} ${what}`);
}

function onlyKeys(doc: Doc, allowed: string[], at: string): void {
  const extra = Object.keys(doc).find((key) => !allowed.includes(key));
  if (extra !== undefined) refuse(at, `may not have ${JSON.stringify(extra)}; allowed: ${allowed.join(', ')}`);
}

/** A named list (clusters, users, contexts) whose entries hold their value under `inner`. */
function entries<T>(doc: Doc, key: string, inner: string, check: (value: Doc, at: string) => T): { name: string; value: T }[] {
  const list = doc[key];
  if (!Array.isArray(list) || list.length === 0) refuse(key, `must be a non-empty list, got ${describe(list)}`);
  return (list as unknown[]).map((entry, i) => {
    const at = `${key}/${i}`;
    if (!isRecord(entry)) refuse(at, `must be an object, got ${describe(entry)}`);
    onlyKeys(entry as Doc, ['name', inner], at);
    const { name } = entry as Doc;
    if (typeof name !== 'string' || !/^[A-Za-z0-9._@:-]{1,253}$/.test(name)) refuse(`${at}/name`, 'must be a plain name');
    const value = (entry as Doc)[inner];
    if (!isRecord(value)) refuse(`${at}/${inner}`, `must be an object, got ${describe(value)}`);
    return { name: name as string, value: check(value as Doc, `${at}/${inner}`) };
  });
}

function optionalString(doc: Doc, key: string, at: string, pattern: RegExp): Record<string, string> {
  const value = doc[key];
  if (value === undefined) return {};
  if (typeof value !== 'string' || !pattern.test(value)) refuse(`${at}/${key}`, `is not valid, got ${describe(value)}`);
  return { [key]: value as string };
}

/** `https://<address>:<port>`: no credentials, path, query or fragment. */
function serverUrl(value: unknown, at: string): string {
  const match = typeof value === 'string' ? /^https:\/\/([^/?#@]+):(\d{1,5})\/?$/.exec(value) : null;
  const port = match ? Number(match[2]) : 0;
  if (!match || !HOST.test(match[1]!) || port < 1 || port > 65535)
    refuse(at, `must be https://<host address>:<port>, got ${describe(value)}`);
  return `https://${match![1]}:${port}`;
}

/**
 * The server a stored kubeconfig (one parseReportedKubeconfig accepted) points at, `https://<address>:<port>`:
 * the first server's address that joining nodes use. Null when it holds none.
 */
export function computeKubeconfigServer(stored: string): string | null {
  const doc: unknown = parse(stored, { maxAliasCount: 0 });
  const clusters = isRecord(doc) && Array.isArray(doc['clusters']) ? (doc['clusters'] as unknown[]) : [];
  const first = clusters[0];
  const server = isRecord(first) && isRecord(first['cluster']) ? first['cluster']['server'] : undefined;
  return typeof server === 'string' ? server : null;
}
