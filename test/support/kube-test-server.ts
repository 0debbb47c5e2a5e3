/**
 * A test double of a Kubernetes API server, enough for the capi driver: discovery (/api, /apis, /apis/g/v) from
 * the upstream CRDs, GET, LIST and WATCH (resourceVersion; an ERROR event with 410 Gone for a version older than
 * the kept history), server-side apply with managedFields and 409 conflicts between field managers (unless
 * force), DELETE with finalizers and propagationPolicy, bearer-token auth over TLS, and every applied object
 * validated against its CRD's schema (crd-schemas.ts; 422 Invalid). Not reproduced: conversion between versions
 * (an object is kept as applied), admission webhooks, a garbage collector for dependents (there are none here),
 * strategic merge of lists (lists are atomic), status subresource writes by clients.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ensureCertificateAuthority, issueServerCertificate } from '../../src/system/certificate-authority.ts';
import { createCrdValidator, loadCrds, type Crd } from './crd-schemas.ts';

type Obj = Record<string, any>;

interface Resource {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

interface Stored {
  object: Obj;
  /** Leaf paths (JSON pointers; lists are one leaf) each field manager applied. */
  owners: Map<string, Set<string>>;
}

interface Event {
  rv: number;
  key: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

export interface KubeTestServer {
  url: string;
  /** A kubeconfig for this server: its CA inline, a bearer token. */
  kubeconfig: string;
  get(kind: string, namespace: string, name: string): Obj | undefined;
  list(kind?: string): Obj[];
  /** What DELETE requests asked for, in order. */
  readonly deletions: { kind: string; name: string; propagationPolicy: string }[];
  /** As a controller writes status (a MODIFIED event). */
  setStatus(kind: string, namespace: string, name: string, status: Obj): void;
  /** As a controller adds or removes its finalizers; an object being deleted goes when none is left. */
  setFinalizers(kind: string, namespace: string, name: string, finalizers: string[]): void;
  /** Server-side apply as another field manager (to make conflicts). */
  applyAs(manager: string, object: Obj): void;
  /** Forgets the event history: watches from any earlier resourceVersion get 410 Gone. */
  compact(): void;
  /** Ends every open watch, as an API server does when a watch times out. */
  endWatches(): void;
  /** How many watches were answered 410 Gone. */
  readonly goneAnswers: number;
  /** Serves a group with only these versions (an older provider), or not at all (its CRDs missing). */
  serveGroup(group: string, versions: string[] | null): void;
  close(): Promise<void>;
}

/** Kinds whose CRDs are not among the copied ones (the infrastructure providers'): served without a schema. */
const SCHEMALESS: Resource[] = [
  { group: 'infrastructure.cluster.x-k8s.io', version: 'v1alpha1', kind: 'IntelClusterTemplate', plural: 'intelclustertemplates' },
  { group: 'infrastructure.cluster.x-k8s.io', version: 'v1alpha1', kind: 'IntelMachineTemplate', plural: 'intelmachinetemplates' },
];
const GC_FINALIZERS = ['foregroundDeletion', 'orphan'];

export async function startKubeTestServer(crds: Crd[] = loadCrds()): Promise<KubeTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-test-server-'));
  const ca = await ensureCertificateAuthority(dir);
  const tls = issueServerCertificate(ca, ['127.0.0.1']);
  const token = randomBytes(16).toString('hex');
  const validator = createCrdValidator(crds);

  const resources: Resource[] = [
    ...crds.flatMap((crd) =>
      crd.versions.filter((v) => v.served).map((v) => ({ group: crd.group, version: v.name, kind: crd.kind, plural: crd.plural })),
    ),
    ...SCHEMALESS,
  ];
  const servedOverride = new Map<string, string[] | null>();
  const served = (r: Resource) => {
    const only = servedOverride.get(r.group);
    return only === undefined ? true : only !== null && only.includes(r.version);
  };
  const objects = new Map<string, Stored>();
  const history: Event[] = [];
  const watchers = new Set<{ key: (k: string) => boolean; send: (e: Event) => void; end: () => void }>();
  let goneAnswers = 0;
  let resourceVersion = 1;
  let oldestKept = 1;
  const deletions: KubeTestServer['deletions'] = [];

  const keyOf = (plural: string, group: string, namespace: string, name: string) => `${group}/${plural}/${namespace}/${name}`;
  const byKind = (kind: string) => resources.find((r) => r.kind === kind)!;
  const keyOfKind = (kind: string, namespace: string, name: string) => {
    const r = byKind(kind);
    return keyOf(r.plural, r.group, namespace, name);
  };

  function emit(key: string, type: Event['type'], object: Obj): void {
    const event = { rv: Number(object['metadata'].resourceVersion), key, type, object: structuredClone(object) };
    history.push(event);
    for (const w of watchers) if (w.key(key)) w.send(event);
  }

  function bump(stored: Stored, key: string, type: Event['type']): void {
    stored.object['metadata'].resourceVersion = String(++resourceVersion);
    stored.object['metadata'].managedFields = [...stored.owners].map(([manager, paths]) => ({
      manager,
      operation: 'Apply',
      apiVersion: stored.object['apiVersion'],
      fieldsType: 'FieldsV1',
      fieldsV1: fieldsV1(paths),
    }));
    emit(key, type, stored.object);
  }

  function finishIfUnblocked(key: string): void {
    const stored = objects.get(key);
    if (!stored || !stored.object['metadata'].deletionTimestamp) return;
    // No dependents here, so the garbage collector's own finalizers are done at once.
    const finalizers = (stored.object['metadata'].finalizers ?? []).filter((f: string) => !GC_FINALIZERS.includes(f));
    if (finalizers.length === (stored.object['metadata'].finalizers ?? []).length && finalizers.length > 0) return;
    stored.object['metadata'].finalizers = finalizers;
    if (finalizers.length > 0) return bump(stored, key, 'MODIFIED');
    objects.delete(key);
    stored.object['metadata'].resourceVersion = String(++resourceVersion);
    emit(key, 'DELETED', stored.object);
  }

  /** Server-side apply; the Status answer on conflict or invalid object. */
  function apply(
    resource: Resource,
    namespace: string,
    name: string,
    config: Obj,
    manager: string,
    force: boolean,
  ): { code: number; body: Obj } {
    const key = keyOf(resource.plural, resource.group, namespace, name);
    const existing = objects.get(key);
    const applied = leaves({
      metadata: { labels: config['metadata']?.labels, annotations: config['metadata']?.annotations },
      spec: config['spec'],
    });
    const conflicts: { manager: string; path: string }[] = [];
    for (const [path, value] of applied)
      for (const [other, paths] of existing?.owners ?? [])
        if (other !== manager && paths.has(path) && !isDeepStrictEqual(valueAt(existing!.object, path), value))
          conflicts.push({ manager: other, path });
    if (conflicts.length > 0 && !force) {
      const fields = conflicts.map((c) => `conflict with "${c.manager}": ${dotted(c.path)}`);
      return status(
        409,
        'Conflict',
        `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${fields.join('; ')}`,
        {
          causes: conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: dotted(c.path) })),
        },
      );
    }
    const object: Obj = existing
      ? structuredClone(existing.object)
      : {
          apiVersion: `${resource.group}/${resource.version}`,
          kind: resource.kind,
          metadata: { name, namespace, uid: randomBytes(8).toString('hex'), generation: 0, creationTimestamp: new Date().toISOString() },
        };
    const owners = new Map([...(existing?.owners ?? [])].map(([m, p]) => [m, new Set(p)]));
    for (const path of owners.get(manager) ?? [])
      if (!applied.has(path) && ![...owners].some(([m, p]) => m !== manager && p.has(path))) removeAt(object, path);
    for (const c of conflicts) owners.get(c.manager)!.delete(c.path);
    for (const [path, value] of applied) setAt(object, path, value);
    owners.set(manager, new Set(applied.keys()));
    object['apiVersion'] = `${resource.group}/${resource.version}`;
    const { managedFields: _m, resourceVersion: _r, ...metadata } = object['metadata'];
    const problems = validator.validate({ ...object, metadata: { ...metadata } }) ?? [];
    if (problems.length > 0)
      return status(
        422,
        'Invalid',
        `${resource.kind}.${resource.group} "${name}" is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join(', ')}`,
        {
          causes: problems.map((p) => ({ type: 'FieldValueInvalid', message: p.message, field: p.path })),
        },
      );
    if (!existing || !isDeepStrictEqual(existing.object['spec'], object['spec'])) object['metadata'].generation += 1;
    const stored = { object, owners };
    objects.set(key, stored);
    if (!existing || !isDeepStrictEqual(existing.object, object) || !isDeepStrictEqual(existing.owners, owners))
      bump(stored, key, existing ? 'MODIFIED' : 'ADDED');
    return { code: existing ? 200 : 201, body: stored.object };
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'https://x');
    const send = (code: number, answer: Obj) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized').body);
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url.pathname === '/apis') {
      const groups = [...new Set(resources.filter(served).map((r) => r.group))].map((name) => {
        const versions = [...new Set(resources.filter((r) => r.group === name && served(r)).map((r) => r.version))]
          .sort()
          .reverse()
          .map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions, preferredVersion: versions[0] };
      });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    if (parts[0] !== 'apis') return send(404, status(404, 'NotFound', 'the server could not find the requested resource').body);
    const [, group, version, ...rest] = parts;
    const inVersion = resources.filter((r) => r.group === group && r.version === version && served(r));
    if (rest.length === 0) {
      if (inVersion.length === 0) return send(404, status(404, 'NotFound', 'the server could not find the requested resource').body);
      return send(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${group}/${version}`,
        resources: inVersion.map((r) => ({
          name: r.plural,
          singularName: r.kind.toLowerCase(),
          namespaced: true,
          kind: r.kind,
          verbs: ['get', 'list', 'watch', 'patch', 'delete'],
        })),
      });
    }
    const [namespacesWord, namespace, plural, name] = rest;
    const resource = inVersion.find((r) => r.plural === plural);
    if (namespacesWord !== 'namespaces' || !resource || !namespace)
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource').body);
    const notFound = () => send(404, status(404, 'NotFound', `${resource.plural}.${resource.group} "${name}" not found`).body);
    if (req.method === 'GET' && name === undefined && ['true', '1'].includes(url.searchParams.get('watch') ?? ''))
      return watch(res, resource, namespace, url.searchParams);
    if (req.method === 'GET' && name === undefined) {
      const items = [...objects.entries()]
        .filter(([k]) => k.startsWith(`${resource.group}/${resource.plural}/${namespace}/`))
        .map(([, s]) => s.object);
      return send(200, {
        kind: `${resource.kind}List`,
        apiVersion: `${group}/${version}`,
        metadata: { resourceVersion: String(resourceVersion) },
        items,
      });
    }
    const key = keyOf(resource.plural, resource.group, namespace, name!);
    if (req.method === 'GET') return objects.has(key) ? send(200, objects.get(key)!.object) : notFound();
    if (req.method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/apply-patch+yaml')
        return send(415, status(415, 'UnsupportedMediaType', 'only server-side apply is served here').body);
      const manager = url.searchParams.get('fieldManager');
      if (!manager) return send(422, status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value').body);
      const answer = apply(resource, namespace, name!, JSON.parse(body) as Obj, manager, url.searchParams.get('force') === 'true');
      return send(answer.code, answer.body);
    }
    if (req.method === 'DELETE') {
      const stored = objects.get(key);
      if (!stored) return notFound();
      const options = body ? (JSON.parse(body) as Obj) : {};
      const propagationPolicy = url.searchParams.get('propagationPolicy') ?? options['propagationPolicy'] ?? 'Background';
      deletions.push({ kind: resource.kind, name: name!, propagationPolicy });
      const metadata = stored.object['metadata'];
      if (!metadata.deletionTimestamp) {
        metadata.deletionTimestamp = new Date().toISOString();
        const gc = propagationPolicy === 'Foreground' ? ['foregroundDeletion'] : propagationPolicy === 'Orphan' ? ['orphan'] : [];
        metadata.finalizers = [...new Set([...(metadata.finalizers ?? []), ...gc])];
        bump(stored, key, 'MODIFIED');
      }
      const answer = structuredClone(stored.object);
      finishIfUnblocked(key);
      return send(200, answer);
    }
    send(405, status(405, 'MethodNotAllowed', `${req.method} is not served here`).body);
  }

  function watch(res: ServerResponse, resource: Resource, namespace: string, query: URLSearchParams): void {
    const prefix = `${resource.group}/${resource.plural}/${namespace}/`;
    const name = /^metadata\.name=(.+)$/.exec(query.get('fieldSelector') ?? '')?.[1];
    const matches = (k: string) => k.startsWith(prefix) && (name === undefined || k === `${prefix}${name}`);
    const from = Number(query.get('resourceVersion') ?? resourceVersion);
    res.writeHead(200, { 'content-type': 'application/json' });
    if (from < oldestKept - 1) {
      goneAnswers += 1;
      const gone = status(410, 'Expired', `too old resource version: ${from} (${oldestKept - 1})`).body;
      res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
      return;
    }
    const watcher = {
      key: matches,
      send: (e: Event) => res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`),
      end: () => res.end(),
    };
    for (const e of history) if (e.rv > from && matches(e.key)) watcher.send(e);
    watchers.add(watcher);
    res.on('close', () => watchers.delete(watcher));
  }

  const server: Server = createServer({ key: tls.key, cert: tls.certificate }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: management\n  cluster:\n    server: ${url}\n    certificate-authority-data: ${Buffer.from(ca.certificate).toString('base64')}`,
    'users:',
    `- name: edge-orch\n  user:\n    token: ${token}`,
    'contexts:',
    '- name: management\n  context:\n    cluster: management\n    user: edge-orch',
    'current-context: management',
    '',
  ].join('\n');

  return {
    url,
    kubeconfig,
    deletions,
    get: (kind, namespace, name) => objects.get(keyOfKind(kind, namespace, name))?.object,
    list: (kind) => [...objects.values()].map((s) => s.object).filter((o) => kind === undefined || o['kind'] === kind),
    setStatus(kind, namespace, name, statusValue) {
      const key = keyOfKind(kind, namespace, name);
      const stored = objects.get(key)!;
      stored.object['status'] = structuredClone(statusValue);
      bump(stored, key, 'MODIFIED');
    },
    setFinalizers(kind, namespace, name, finalizers) {
      const key = keyOfKind(kind, namespace, name);
      const stored = objects.get(key)!;
      stored.object['metadata'].finalizers = finalizers;
      if (stored.object['metadata'].deletionTimestamp && finalizers.length === 0) return finishIfUnblocked(key);
      bump(stored, key, 'MODIFIED');
    },
    applyAs(manager, object) {
      const resource = resources.find((r) => `${r.group}/${r.version}` === object['apiVersion'] && r.kind === object['kind'])!;
      const answer = apply(resource, object['metadata'].namespace, object['metadata'].name, object, manager, false);
      if (answer.code >= 300) throw new Error(answer.body['message']);
    },
    get goneAnswers() {
      return goneAnswers;
    },
    endWatches() {
      for (const w of watchers) w.end();
      watchers.clear();
    },
    compact() {
      // etcd's revision is global: other objects moved on, so every version seen so far is now too old.
      resourceVersion += 1;
      history.length = 0;
      oldestKept = resourceVersion + 1;
    },
    serveGroup(group, versions) {
      servedOverride.set(group, versions);
    },
    async close() {
      for (const w of watchers) w.key = () => false;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function status(code: number, reason: string, message: string, details?: Obj): { code: number; body: Obj } {
  return {
    code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) },
  };
}

/** Leaf paths of a value: objects are walked, lists and scalars are leaves (lists are atomic here). */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value === undefined) return out;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value))
      for (const [p, leaf] of leaves(v, `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`)) out.set(p, leaf);
    return out;
  }
  out.set(path, value);
  return out;
}

const segments = (path: string) =>
  path
    .split('/')
    .slice(1)
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));

/** A leaf path as the API server names fields: .spec.topology.version. */
const dotted = (path: string) => `.${segments(path).join('.')}`;

function valueAt(object: Obj, path: string): unknown {
  return segments(path).reduce<unknown>((o, k) => (o as Obj | undefined)?.[k], object);
}

function setAt(object: Obj, path: string, value: unknown): void {
  const keys = segments(path);
  let o = object;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)!] = structuredClone(value);
}

function removeAt(object: Obj, path: string): void {
  const keys = segments(path);
  const parent = keys.slice(0, -1).reduce<Obj | undefined>((o, k) => o?.[k], object);
  if (parent) delete parent[keys.at(-1)!];
}

/** managedFields' FieldsV1 form of leaf paths: {"f:spec": {"f:topology": {"f:version": {}}}}. */
function fieldsV1(paths: Set<string>): Obj {
  const out: Obj = {};
  for (const path of paths) {
    let o = out;
    for (const k of segments(path)) o = o[`f:${k}`] ??= {};
  }
  return out;
}
