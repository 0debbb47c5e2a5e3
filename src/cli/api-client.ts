/**
 * A small client for the REST API: JSON in and out, problem documents turned into AppErrors carrying the
 * server's detail and field, and a clear message when the server cannot be reached.
 */
import { AppError, type ErrorCode, errorCatalog } from '../domain/errors.ts';
import type { ReasonCode } from '../domain/reasons.ts';
import { createPinnedFetch } from '../system/pinned-fetch.ts';
import type { CliConfig } from './cli-config.ts';

export interface ApiClient {
  readonly project: string;
  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete(path: string, query?: Record<string, string | boolean | undefined>): Promise<void>;
  /** A project path: `/api/v1/projects/<project><path>`. */
  projectPath(path: string): string;
}

export function createApiClient({ server, project, token, caCertificate }: CliConfig): ApiClient {
  // With a CA from login or --ca-file, an https:// server must present a certificate from it (and nothing else).
  const fetch = caCertificate && server.startsWith('https:') ? createPinnedFetch(caCertificate) : globalThis.fetch;
  async function request<T>(
    method: string,
    path: string,
    { query, body }: { query?: Record<string, string | number | boolean | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(path, `${server}/`);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      const code = (cause as Error & { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
        ? "; the server's certificate is not trusted: pass its CA with --ca-file (a server with its own CA writes it to its data directory as ca.crt)"
        : '';
      throw new AppError('Internal', `cannot reach the edge-orch server at ${server} (${code})${hint}`, { cause });
    }
    const text = await response.text();
    if (!response.ok) throw toError(response.status, text);
    if (response.status === 204 || text === '') return undefined as T;
    return (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as T) : (text as T);
  }
  return {
    project,
    get: (path, query) => request('GET', path, { ...(query ? { query } : {}) }),
    post: (path, body) => request('POST', path, { body: body ?? {} }),
    patch: (path, body) => request('PATCH', path, { body }),
    put: (path, body) => request('PUT', path, { body }),
    delete: async (path, query) => {
      await request('DELETE', path, { ...(query ? { query } : {}) });
    },
    projectPath: (path) => `/api/v1/projects/${encodeURIComponent(project)}${path}`,
  };
}

function toError(status: number, text: string): AppError {
  try {
    const problem = JSON.parse(text) as { code?: string; detail?: string; field?: string; reason?: ReasonCode };
    const code = (problem.code && problem.code in errorCatalog ? problem.code : 'Internal') as ErrorCode;
    return new AppError(code, problem.detail ?? `the server answered ${status}`, {
      ...(problem.field ? { field: problem.field } : {}),
      ...(problem.reason ? { reason: problem.reason } : {}),
      extra: problem as Record<string, unknown>,
    });
  } catch {
    return new AppError('Internal', `the server answered ${status}: ${text.slice(0, 200)}`);
  }
}
