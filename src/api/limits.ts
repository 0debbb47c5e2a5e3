/**
 * The limits on every door of the API: body sizes, how long a client may take to send a request, how many
 * connections are open at once, and how often one client address may enroll or fail to authenticate.
 */

import { DEFAULT_LOBBY_CAPACITY } from '../domain/enrollment/onboarding-request.ts';

export interface ApiLimits {
  /** Body limit of a route that declares none (bytes). */
  bodyBytes: number;
  /** Body limit of routes anyone may call without a credential (enrollment). */
  publicBodyBytes: number;
  /** Body limit of bulk routes (a registration of tens of thousands of hosts). */
  bulkBodyBytes: number;
  /** JSON bodies nested deeper than this are refused before anything walks them. */
  jsonDepth: number;
  /** Time to receive a request's headers, from the connection's first byte. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body); answering may take longer (long-polls). */
  requestTimeoutMs: number;
  /** How often open connections are checked against the two timeouts above. */
  timeoutCheckIntervalMs: number;
  /** Connections open at once; more are closed as they arrive. Each agent holds one long-poll. */
  maxConnections: number;
  /** Enrollments one client address may send per window. */
  enrollmentsPerWindow: number;
  /** Requests answered Unauthenticated one client address may cause per window before it is refused outright. */
  authFailuresPerWindow: number;
  /** The window of both rates above. */
  rateWindowMs: number;
  /** Pending onboarding requests (unknown machines waiting for approval) a project keeps at most. */
  lobbyCapacity: number;
}

export const DEFAULT_LIMITS: Readonly<ApiLimits> = Object.freeze({
  bodyBytes: 1024 * 1024,
  publicBodyBytes: 16 * 1024,
  bulkBodyBytes: 32 * 1024 * 1024,
  jsonDepth: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  timeoutCheckIntervalMs: 1_000,
  maxConnections: 16_384,
  enrollmentsPerWindow: 60,
  authFailuresPerWindow: 20,
  rateWindowMs: 60_000,
  lobbyCapacity: DEFAULT_LOBBY_CAPACITY,
});
