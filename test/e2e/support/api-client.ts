/** A small client for the orchestrator's northbound API in end-to-end tests (real HTTPS, admin token). */
import { createPinnedFetch } from '../../../src/system/pinned-fetch.ts';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  text: string;
}

export interface E2eApi {
  call<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** Like call, but throws unless the status is one of `ok`. */
  expect<T = any>(ok: number[], method: string, path: string, body?: unknown): Promise<T>;
}

/** `path` is relative to /api/v1/projects/<project>; `caCertificate` is the server's CA (PEM), the only one trusted. */
export function createE2eApi({
  serverUrl,
  token,
  caCertificate,
  project = 'default',
}: {
  serverUrl: string;
  token: string;
  caCertificate: string;
  project?: string;
}): E2eApi {
  const fetch = createPinnedFetch(caCertificate);
  async function call<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${serverUrl}/api/v1/projects/${project}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // YAML (kubeconfig) or empty
    }
    return { status: response.status, body: parsed as T, text };
  }
  return {
    call,
    async expect<T>(ok: number[], method: string, path: string, body?: unknown): Promise<T> {
      const answer = await call<T>(method, path, body);
      if (!ok.includes(answer.status))
        throw new Error(`${method} ${path} answered ${answer.status}, expected ${ok.join(' or ')}: ${answer.text.slice(0, 1000)}`);
      return answer.body;
    },
  };
}
