import type { Parsed, Problem } from './problem.ts';
import type { ReasonCode } from './reasons.ts';

/**
 * The error catalog: every error the system reports has a stable code, an HTTP status and a title, declared
 * here once. Other layers throw `AppError`s with these codes; the API renders them as problem+json.
 */

export const errorCatalog = {
  /** The request or file has a field with a wrong value; `field` names it. */
  InvalidField: { status: 400, title: 'A field has an invalid value' },
  /** The request body or file is not parseable at all (not JSON, not YAML, not CSV). */
  MalformedDocument: { status: 400, title: 'The document cannot be parsed' },
  /** No credential, or one that is not valid. */
  Unauthenticated: { status: 401, title: 'Authentication required' },
  /** The credential is valid but its role may not do this, or it belongs to another project. */
  Forbidden: { status: 403, title: 'Not allowed for this role' },
  /** The named resource does not exist in this project. */
  NotFound: { status: 404, title: 'Resource not found' },
  /** A resource with the same identity (name, uuid, serial, name+version) already exists. */
  AlreadyExists: { status: 409, title: 'Resource already exists' },
  /** The resource is used by another one and cannot be deleted or changed. */
  InUse: { status: 409, title: 'Resource is in use' },
  /** The template cannot run on the OS profile; `reason` holds the compatibility reason. */
  Incompatible: { status: 409, title: 'Template is not compatible with the OS profile' },
  /** The resource is in a state that does not allow this operation. */
  InvalidState: { status: 409, title: 'Operation not allowed in the current state' },
  /** Moving a cluster node's instance to this OS profile version would break its cluster; `reason` says how. */
  UpgradeRefused: { status: 409, title: "The OS profile change would break the host's cluster" },
  /** A reference (a host's id, name, serial or uuid) names more than one resource; `matches` lists them. */
  AmbiguousReference: { status: 409, title: 'The reference matches more than one resource' },
  /** The route does not exist. */
  RouteNotFound: { status: 404, title: 'No such route' },
  /** The request body is larger than the server accepts. */
  PayloadTooLarge: { status: 413, title: 'Request body too large' },
  /** The body's media type is not one the route accepts. */
  UnsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  /** The HTTP request itself cannot be read: bad URL encoding, a bad Content-Length, a request line or header that is not HTTP. */
  MalformedRequest: { status: 400, title: 'The HTTP request cannot be parsed' },
  /** The client took too long to send the request's headers or body; the connection is closed. */
  RequestTimeout: { status: 408, title: 'Request not received in time' },
  /** A path segment (an id or name in the URL) is longer than the server accepts. */
  UriTooLong: { status: 414, title: 'Request URL too long' },
  /** The request's headers (the URL included) are larger than the server accepts. */
  HeaderFieldsTooLarge: { status: 431, title: 'Request headers too large' },
  /** This client address sent too many requests of this kind (enrollments, failed authentications); retry after `Retry-After` seconds. */
  TooManyRequests: { status: 429, title: 'Too many requests' },
  /** The server's storage (database disk or volume) is full; nothing was written. */
  StorageFull: { status: 507, title: 'Server storage is full' },
  /** An unexpected failure inside the server; details are in the server log, never in the answer. */
  Internal: { status: 500, title: 'Internal error' },
  /** A K3s artifact on the host (binary version, air-gap image checksum, install script) differs from what the OS profile declares. */
  K3sArtifactMismatch: { status: 409, title: 'Embedded K3s artifact does not match the OS profile' },
  /** Installing K3s on a host failed: the install script failed, K3s did not become ready, or a download failed. */
  K3sInstallFailed: { status: 502, title: 'Installing K3s on the host failed' },
  /** An EMT build source's sha256 differs from the one its SPEC's signatures file records (`edge-orch emt build`). */
  SourceChecksumMismatch: { status: 409, title: 'A build source does not match its recorded sha256' },
  /** An image build tool (rpmbuild, createrepo_c, dnf, rpm, mksquashfs) could not be run or failed. */
  BuildToolFailed: { status: 500, title: 'An image build tool failed' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export interface AppErrorOptions {
  /** The offending field, as a JSON pointer-like path (`/hosts/3/uuid`) or a plain name. */
  field?: string;
  /** A machine-readable reason (for example a compatibility reason code). */
  reason?: ReasonCode;
  /** Extra structured data that helps a client act (for example the id of the existing resource). */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** An error with a catalogued code; its `detail` is safe to show to the user. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly field: string | undefined;
  readonly reason: ReasonCode | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.detail = detail;
    this.field = options.field;
    this.reason = options.reason;
    this.extra = options.extra;
  }

  /** RFC 9457 problem document for this error. */
  toProblem(instance?: string): ProblemDocument {
    return {
      ...(this.extra ?? {}), // first, so it can never overwrite the standard members
      type: problemType(this.code),
      title: errorCatalog[this.code].title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(instance !== undefined ? { instance } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
    };
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  field?: string;
  reason?: ReasonCode;
  [key: string]: unknown;
}

/** The stable `type` URI of a problem; documented in docs/errors.md under the same anchor. */
export function problemType(code: ErrorCode): string {
  return `https://edge-orch.dev/problems/${code}`;
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export const invalidField = (field: string, detail: string, reason?: ReasonCode): AppError =>
  new AppError('InvalidField', detail, { field, ...(reason ? { reason } : {}) });

/** At most this many problems are listed in one answer's `errors`. */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * InvalidField for problems found together: `field` and `detail` name the first, `errors` lists them (up to
 * MAX_LISTED_PROBLEMS) with every member they carry, so a client acts on the data instead of the text.
 */
export function invalidFields<P extends Problem>(problems: readonly P[]): AppError {
  const [first] = problems;
  if (!first) throw new Error('invalidFields needs at least one problem');
  const rest = problems.length - 1;
  const more = rest > 0 ? ` (and ${rest} more problem${rest > 1 ? 's' : ''})` : '';
  return new AppError('InvalidField', `${first.message}${more}`, {
    field: first.field,
    extra: { errors: problems.slice(0, MAX_LISTED_PROBLEMS) },
  });
}

/** The value of a parse whose problem is exceptional for the caller; otherwise InvalidField naming its first problem. */
export function requireParsed<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  const [first] = parsed.problems;
  throw invalidField(first?.field ?? '', first?.message ?? 'the value is not valid');
}

export const notFound = (kind: string, id: string): AppError =>
  new AppError('NotFound', `${kind} "${id}" not found`, { extra: { resource: kind, id } });
