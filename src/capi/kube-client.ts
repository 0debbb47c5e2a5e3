/**
 * What the capi driver asks of a management cluster, through @kubernetes/client-node: discovery, server-side
 * apply (field manager edge-orch, never forced), read, delete with a propagation policy, and a watch of one
 * Cluster. Failures come back as CapiProblems naming what was refused.
 */
import {
  ApiException,
  ApisApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { KubeObject } from '../render/capi/kube-object.ts';
import { CapiProblem, unreachable } from './capi-problem.ts';

export const FIELD_MANAGER = 'edge-orch';

export type ObjectRef = Pick<KubeObject, 'apiVersion' | 'kind'> & { metadata: { name: string; namespace: string } };
export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KubernetesObject } | { type: 'GONE' };

export interface KubeClient {
  readonly server: string;
  /** Each API group the cluster serves, with its served versions. */
  servedVersions(): Promise<Map<string, string[]>>;
  apply(object: KubeObject): Promise<KubernetesObject>;
  /** Null when it does not exist. */
  read(ref: ObjectRef): Promise<KubernetesObject | null>;
  /** False when it did not exist. */
  delete(ref: ObjectRef, propagationPolicy: 'Foreground' | 'Orphan'): Promise<boolean>;
  /**
   * Watches one object from `resourceVersion`; `GONE` when that version is too old (410: list again). Resolves
   * when the watch ends (the server closed it, or `signal` aborted it).
   */
  watch(ref: ObjectRef, resourceVersion: string, signal: AbortSignal, onEvent: (event: WatchEvent) => void): Promise<void>;
}

export function createKubeClient(kubeconfig: string): KubeClient {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  const server = config.getCurrentCluster()?.server ?? '(no server)';
  const objects = KubernetesObjectApi.makeApiClient(config);
  const apis = config.makeApiClient(ApisApi);

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw translate(error, what, server);
    }
  }

  return {
    server,
    async servedVersions() {
      const list = await call('discovery', () => apis.getAPIVersions());
      return new Map(list.groups.map((g) => [g.name, g.versions.map((v) => v.version)]));
    },
    apply: (object) =>
      call(`applying ${describeRef(object)}`, () =>
        objects.patch(object as KubernetesObject, undefined, undefined, FIELD_MANAGER, false, PatchStrategy.ServerSideApply),
      ),
    async read(ref) {
      try {
        return await call(`reading ${describeRef(ref)}`, () => objects.read(ref));
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw error;
      }
    },
    async delete(ref, propagationPolicy) {
      try {
        await call(`deleting ${describeRef(ref)}`, () =>
          objects.delete(ref, undefined, undefined, undefined, undefined, propagationPolicy),
        );
        return true;
      } catch (error) {
        if (isStatus(error, 404)) return false;
        throw error;
      }
    },
    async watch(ref, resourceVersion, signal, onEvent) {
      const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
      const path = `/apis/${group}/${version}/namespaces/${ref.metadata.namespace}/${PLURALS[ref.kind] ?? `${ref.kind.toLowerCase()}s`}`;
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        let controller: AbortController | undefined;
        const settle = (error?: CapiProblem) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', abort);
          controller?.abort();
          if (error) reject(error);
          else resolve();
        };
        // Stopping does not wait for the stream to notice the abort.
        const abort = () => settle();
        const done = (error: unknown) => {
          const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
          // Some servers answer a too-old version with 410 itself rather than an ERROR event.
          if (statusCode === 410) onEvent({ type: 'GONE' });
          // A quiet watch times out on the client, as servers close long watches: the caller watches again.
          const ended = !error || statusCode === 410 || ['AbortError', 'TimeoutError'].includes((error as { name?: string }).name ?? '');
          settle(ended ? undefined : translate(error, `watching ${describeRef(ref)}`, server));
        };
        signal.addEventListener('abort', abort);
        if (signal.aborted) return settle();
        new Watch(config)
          .watch(
            path,
            { fieldSelector: `metadata.name=${ref.metadata.name}`, resourceVersion, allowWatchBookmarks: true },
            (type, object) => {
              if (settled) return;
              // An ERROR event is a Status: 410 Gone when the version is too old; either way, list again.
              if (type === 'ERROR') onEvent({ type: 'GONE' });
              else onEvent({ type: type as 'ADDED', object });
            },
            done,
          )
          .then((c) => {
            controller = c;
            if (settled) c.abort();
          }, done);
      });
    },
  };
}

const PLURALS: Record<string, string> = { Cluster: 'clusters', ClusterClass: 'clusterclasses' };

const describeRef = (ref: ObjectRef | KubeObject): string => `${ref.kind} ${ref.metadata.namespace}/${ref.metadata.name}`;

const isStatus = (error: unknown, code: number): boolean => error instanceof CapiProblem && error.httpStatus === code;

/** A Status answer's message (the API server's sentence), else the status code. */
function statusMessage(error: ApiException<unknown>): string {
  const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : `HTTP ${error.code}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function translate(error: unknown, what: string, server: string): CapiProblem {
  if (error instanceof CapiProblem) return error;
  const network = unreachable(error, server);
  if (network) return network;
  if (error instanceof ApiException) {
    const said = `${statusMessage(error)} (HTTP ${error.code})`;
    if (error.code === 401 || error.code === 403)
      return new CapiProblem(
        'ManagementClusterUnreachable',
        `the management cluster ${server} refused the kubeconfig's credential ${what}: ${said}`,
        error.code,
      );
    if (error.code === 409) return new CapiProblem('CapiFieldConflict', `${what}: ${said}`, error.code);
    return new CapiProblem('CapiObjectRejected', `the management cluster refused ${what}: ${said}`, error.code);
  }
  const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
  const message = `${(error as Error)?.message ?? String(error)}${typeof cause === 'string' ? ` (${cause})` : ''}`;
  // KubernetesObjectApi finds a kind's resource by discovery; a kind its group does not serve ends here.
  if (/Unrecognized API version and kind/i.test(message))
    return new CapiProblem(
      'CapiCrdMissing',
      `the management cluster does not serve the kind ${what.replace(/^\w+ /, '')}: install its CRD`,
    );
  return new CapiProblem('ManagementClusterUnreachable', `the management cluster ${server} failed ${what}: ${message}`);
}
