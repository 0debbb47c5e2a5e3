/**
 * The one error handler (STYLE E3): AppError → its problem; Fastify validation → 400 naming each field;
 * anything else → a bare 500 logged with the request id. Answers are application/problem+json, never a stack.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorCatalog, problemType, type ErrorCode } from '../../domain/errors.ts';

export const PROBLEM_JSON = 'application/problem+json';

function send(reply: FastifyReply, body: Record<string, unknown> & { status: number }): FastifyReply {
  return reply.code(body.status).type(PROBLEM_JSON).send(JSON.stringify(body));
}

function problemFor(code: ErrorCode, detail: string, instance: string, extra: Record<string, unknown> = {}) {
  const { status, title } = errorCatalog[code];
  return { type: problemType(code), title, status, detail, code, instance, ...extra };
}

/** Fastify's own errors for bad requests (body parsing, media type, size) mapped to catalogued codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MalformedDocument',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MalformedDocument',
  FST_ERR_CTP_EMPTY_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_TYPE: 'UnsupportedMediaType',
};

export const problemDetails = fp(async function problemDetailsPlugin(app: FastifyInstance) {
  app.setErrorHandler(function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const instance = request.url.split('?')[0] ?? request.url;
    if (error instanceof AppError) {
      request.log.info({ code: error.code, field: error.field }, error.detail);
      return send(reply, { ...error.toProblem(instance) });
    }
    if (error.validation) {
      const errors = error.validation.map((v) => {
        const path = `${v.instancePath ?? ''}${'params' in v && v.params && 'missingProperty' in v.params ? `/${String(v.params.missingProperty)}` : ''}${'params' in v && v.params && 'additionalProperty' in v.params ? `/${String(v.params.additionalProperty)}` : ''}`;
        const field = `${error.validationContext ?? 'body'}${path}`;
        const message =
          'params' in v && v.params && 'additionalProperty' in v.params ? 'is not a known field' : (v.message ?? 'is invalid');
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
    if (mapped) return send(reply, problemFor(mapped, error.message, instance));
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error.statusCode === 400 && !error.code)) {
      return send(reply, problemFor('MalformedDocument', 'the request body is not valid JSON', instance));
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
  });

  app.setNotFoundHandler(function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
    return send(
      reply,
      problemFor('RouteNotFound', `no route ${request.method} ${request.url.split('?')[0]}`, request.url.split('?')[0] ?? ''),
    );
  });
});
