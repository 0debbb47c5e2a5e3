/**
 * The agent's side of the southbound API (AGENT_PREFIX): enroll, renew, desired state, report, typed by the wire
 * contract (contract/agent.schema.ts). Every failure is a SouthboundError that says whether trying again later
 * can help (network errors, 5xx, 408, 429). The server is https:// (plain http:// only with an explicit
 * insecure flag, for tests); once the CA from enrollment is pinned, only a certificate from it is trusted.
 */
import type {
  AgentReportAckT,
  AgentReportT,
  DesiredStateT,
  EnrollRequestT,
  EnrollResponseT,
  RenewResponseT,
} from '../contract/agent.schema.ts';
import { AGENT_PREFIX } from '../contract/paths.ts';
import { invalidField } from '../domain/errors.ts';
import { createPinnedFetch, type Fetch } from '../system/pinned-fetch.ts';

export interface SouthboundClient {
  readonly serverUrl: string;
  enroll(request: EnrollRequestT, signal?: AbortSignal): Promise<EnrollResponseT>;
  /** Trades a credential that still works for a new one. */
  renew(credential: string, signal?: AbortSignal): Promise<RenewResponseT>;
  /** From now on trusts only certificates from this CA (PEM); ignored over insecure plain HTTP. */
  pinCertificateAuthority(caCertificate: string): void;
  /** Long-poll: answers at once when the revision differs from `revision`, else after up to `waitSeconds`. */
  desiredState(credential: string, query: { revision?: string; waitSeconds: number }, signal?: AbortSignal): Promise<DesiredStateT>;
  report(credential: string, report: AgentReportT, signal?: AbortSignal): Promise<void>;
}

/** A failed call: `status` is null when the server could not be reached or the answer was not understood. */
export class SouthboundError extends Error {
  readonly status: number | null;
  /** The problem document's code, when the server sent one. */
  readonly code: string | null;
  readonly retryable: boolean;

  constructor(message: string, { status, code = null, cause }: { status: number | null; code?: string | null; cause?: unknown }) {
    super(message, { cause });
    this.name = 'SouthboundError';
    this.status = status;
    this.code = code;
    this.retryable = status === null || status >= 500 || status === 408 || status === 429;
  }
}

export const isSouthboundError = (value: unknown): value is SouthboundError => value instanceof SouthboundError;

export interface SouthboundClientOptions {
  serverUrl: string;
  /** Per-request time limit on top of a long-poll's own wait. */
  requestTimeoutMs?: number;
  fetch?: Fetch;
  /** The CA to trust before enrollment pins one (--ca-file); without it, the system's CAs. */
  caCertificate?: string | undefined;
  /** Allows an http:// server (tests, a lab): whoever sits on the path could send plans the agent runs as root. */
  insecureHttp?: boolean | undefined;
}

export function createSouthboundClient({
  serverUrl,
  requestTimeoutMs = 30_000,
  fetch: givenFetch = globalThis.fetch,
  caCertificate,
  insecureHttp = false,
}: SouthboundClientOptions): SouthboundClient {
  const base = parseServerUrl(serverUrl, insecureHttp);
  const tls = base.startsWith('https:');
  let fetch = tls && caCertificate ? createPinnedFetch(caCertificate) : givenFetch;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    {
      credential,
      body,
      timeoutMs = requestTimeoutMs,
      signal,
    }: { credential?: string; body?: unknown; timeoutMs?: number; signal?: AbortSignal | undefined },
  ): Promise<T> {
    const url = `${base}${AGENT_PREFIX}${path}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const why = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : describeNetworkError(error);
      throw new SouthboundError(`${method} ${url} failed: ${why}`, { status: null, cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const problem = parseJson(text) as { code?: unknown; detail?: unknown } | null;
      const detail = typeof problem?.detail === 'string' ? problem.detail : text.slice(0, 300);
      throw new SouthboundError(`${method} ${url} answered ${response.status}: ${detail}`, {
        status: response.status,
        code: typeof problem?.code === 'string' ? problem.code : null,
      });
    }
    const value = parseJson(text);
    if (value === null || typeof value !== 'object')
      throw new SouthboundError(`${method} ${url} answered ${response.status} without a JSON object`, { status: null });
    return value as T;
  }

  return {
    serverUrl: base,
    enroll: (request, signal) =>
      call<EnrollResponseT>('POST', '/enroll', { body: request, timeoutMs: requestTimeoutMs + (request.waitSeconds ?? 0) * 1000, signal }),
    desiredState(credential, { revision, waitSeconds }, signal) {
      const query = new URLSearchParams({ waitSeconds: String(waitSeconds), ...(revision ? { revision } : {}) });
      return call<DesiredStateT>('GET', `/desired-state?${query}`, {
        credential,
        timeoutMs: requestTimeoutMs + waitSeconds * 1000,
        signal,
      });
    },
    renew: (credential, signal) => call<RenewResponseT>('POST', '/renew', { credential, body: {}, signal }),
    pinCertificateAuthority(ca) {
      if (tls) fetch = createPinnedFetch(ca);
    },
    async report(credential, report, signal) {
      await call<AgentReportAckT>('POST', '/report', { credential, body: report, signal });
    },
  };
}

/** https base URL (http only when insecure) without credentials, query or trailing slash. */
function parseServerUrl(text: string, insecureHttp: boolean): string {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw invalidField(
      'server',
      `--server ${JSON.stringify(text)} is not valid; expected the orchestrator's https URL without credentials or query, for example https://orchestrator.example.com:8080`,
    );
  }
  if (url.protocol === 'http:' && !insecureHttp) {
    throw invalidField(
      'server',
      `--server ${JSON.stringify(text)} is plain HTTP: whoever sits between the agent and the server could send it plans it runs as root; use the server's https:// URL (or --insecure-http, for tests only)`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** fetch wraps the socket error in `cause`; its code (ECONNREFUSED, EHOSTUNREACH…) is what helps. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
