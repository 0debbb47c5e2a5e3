/**
 * The one error handler (STYLE E3): AppError → its problem; Fastify validation → 400 naming each field;
 * Fastify's and Node's own errors (bad URL, over-long path segment, oversized headers, timeouts, bad
 * Content-Length) → their catalogued problem; a full disk → StorageFull; anything else → a bare 500 logged
 * with the request id. Answers are application/problem+json, never a stack.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorCatalog, problemType, type ErrorCode } from '../../domain/errors.ts';

export const PROBLEM_JSON = 'application/problem+json';

function send(reply: FastifyReply, body: Record<string, unknown> & { status: number }): FastifyReply {
  return reply.code(body.status).type(PROBLEM_JSON).send(JSON.stringify(body));
}

function problemFor(code: ErrorCode, detail: string, instance?: string, extra: Record<string, unknown> = {}) {
  const { status, title } = errorCatalog[code];
  return { type: problemType(code), title, status, detail, code, ...(instance === undefined ? {} : { instance }), ...extra };
}

/** Fastify's own errors for bad requests (URL, body parsing, media type, size) mapped to catalogued codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_BAD_URL: 'MalformedRequest',
  FST_ERR_MAX_PARAM_LENGTH: 'UriTooLong',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MalformedDocument',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MalformedRequest',
  FST_ERR_CTP_EMPTY_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_TYPE: 'UnsupportedMediaType',
};

/** A sentence for Fastify's own errors: their messages quote the raw URL or are terse. */
function detailFor(code: ErrorCode, error: FastifyError, request: FastifyRequest): string {
  if (code === 'MalformedRequest' && error.code === 'FST_ERR_BAD_URL') return 'the URL path is not valid percent-encoding';
  if (code === 'MalformedRequest') return 'the Content-Length header does not match the body sent';
  if (code === 'UriTooLong') return 'a path segment of the URL is longer than 100 characters';
  if (code === 'PayloadTooLarge') return `the request body is larger than this route's limit of ${request.routeOptions.bodyLimit} bytes`;
  return error.message;
}

/** The database or a file write found no space: SQLite SQLITE_FULL, PostgreSQL disk_full (53100), ENOSPC. */
function isStorageFull(error: unknown): boolean {
  for (let e = error, hops = 0; e && typeof e === 'object' && hops < 5; e = (e as { cause?: unknown }).cause, hops++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC') return true;
  }
  return false;
}

/** Answers any error a request ends with; also Fastify's `frameworkErrors`, which are raised before routing. */
export function answerProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const instance = request.url.split('?')[0] ?? request.url;
  if (error instanceof AppError) {
    request.log.info({ code: error.code, field: error.field }, error.detail);
    return send(reply, { ...error.toProblem(instance) });
  }
  if (error.validation) {
    const errors = error.validation.map((v) => {
      const path = `${v.instancePath ?? ''}${'params' in v && v.params && 'missingProperty' in v.params ? `/${String(v.params.missingProperty)}` : ''}${'params' in v && v.params && 'additionalProperty' in v.params ? `/${String(v.params.additionalProperty)}` : ''}`;
      const field = `${error.validationContext ?? 'body'}${path}`;
      const message = 'params' in v && v.params && 'additionalProperty' in v.params ? 'is not a known field' : (v.message ?? 'is invalid');
      return { field, message };
    });
    const first = errors[0]!;
    request.log.info({ errors }, 'request validation failed');
    return send(
      reply,
      problemFor('InvalidField', errors.map((e) => `${e.field} ${e.message}`).join('; '), instance, { field: first.field, errors }),
    );
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) {
    request.log.info({ code: error.code }, error.message);
    return send(reply, problemFor(mapped, detailFor(mapped, error, request), instance));
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error.statusCode === 400 && !error.code)) {
    return send(reply, problemFor('MalformedDocument', 'the request body is not valid JSON', instance));
  }
  if (isStorageFull(error)) {
    request.log.error({ err: error, reqId: request.id }, 'storage full');
    return send(reply, problemFor('StorageFull', `the server's storage is full; nothing was written (request id ${request.id})`, instance));
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    request.log.info({ err: error }, 'client error');
    return send(reply, {
      type: 'about:blank',
      title: 'Bad request',
      status: error.statusCode,
      detail: error.message,
      code: 'InvalidField',
      instance,
    });
  }
  request.log.error({ err: error, reqId: request.id }, 'unhandled error');
  return send(reply, problemFor('Internal', `unexpected error; request id ${request.id}`, instance));
}

/** Node's HTTP parser errors and timeouts, which arrive before there is a request to answer through Fastify. */
const CLIENT_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'RequestTimeout',
    detail: 'the request was not received completely in time; the connection is closed',
  },
  HPE_HEADER_OVERFLOW: { code: 'HeaderFieldsTooLarge', detail: 'the request line and headers are larger than 16 KiB' },
  HPE_INVALID_CONTENT_LENGTH: { code: 'MalformedRequest', detail: 'the Content-Length header is not a valid length' },
  HPE_UNEXPECTED_CONTENT_LENGTH: {
    code: 'MalformedRequest',
    detail: 'the request has both Content-Length and Transfer-Encoding; send one of them',
  },
};

/** Fastify's `clientErrorHandler`: writes the problem on the raw socket (if nothing was written on it yet) and closes it. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
  const { code, detail } = known ?? { code: 'MalformedRequest' as const, detail: 'the request is not valid HTTP/1.1' };
  const body = JSON.stringify(problemFor(code, detail));
  const { status } = errorCatalog[code];
  if (socket.writable && socket.bytesWritten === 0) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export const problemDetails = fp(async function problemDetailsPlugin(app: FastifyInstance) {
  app.setErrorHandler(answerProblem);
  app.setNotFoundHandler(function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
    return send(
      reply,
      problemFor('RouteNotFound', `no route ${request.method} ${request.url.split('?')[0]}`, request.url.split('?')[0] ?? ''),
    );
  });
});
