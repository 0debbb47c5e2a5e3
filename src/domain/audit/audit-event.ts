/**
 * The audit log's record of one change asked of edge-orch: who (which token, of which role), what (the action
 * and what it named), when, and the result. Secrets and request bodies are never part of it.
 */

/** Who asked: a user's API token, or an agent's enrollment token (enrollment is the agents' one change). */
export interface AuditActor {
  kind: 'api-token' | 'enrollment-token';
  tokenId: string | null;
  tokenName: string | null;
  /** The API token's role; null for an enrollment token. */
  role: string | null;
}

export interface AuditEvent {
  /** Time-ordered: newer events have greater ids. */
  id: string;
  project: string;
  /** ISO 8601 time the answer was given. */
  at: string;
  actor: AuditActor;
  /** `METHOD /route/:param` as the API declares it, for example `POST /hosts/:host/deauthorize`. */
  action: string;
  /** The route's parameters (which host, cluster, token…), and `created` naming a resource the change created. */
  target: Record<string, string>;
  /** The HTTP status of the answer. */
  status: number;
  /** `succeeded`, or the error code of the problem answered (Forbidden, InvalidState…). */
  outcome: string;
  /** The request id, to find the server's log lines of it. */
  requestId: string;
}
