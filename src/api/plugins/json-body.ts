/**
 * The JSON body parser: an empty or unparseable body is MalformedDocument, and strings may not carry NUL
 * characters (PostgreSQL text cannot store them) nor objects a `__proto__` key (prototype poisoning).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, invalidField } from '../../domain/errors.ts';

/** The path of the first forbidden value, or null. */
function findForbidden(value: unknown, path: string): { path: string; what: string } | null {
  if (typeof value === 'string') return value.includes('\u0000') ? { path, what: 'contains a NUL character' } : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbidden(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '__proto__' || key.includes('\u0000'))
        return { path: `${path}/${key.replace('\u0000', '\\u0000')}`, what: 'is not an allowed key' };
      const found = findForbidden(inner, `${path}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

export const jsonBody = fp(async function jsonBodyPlugin(app: FastifyInstance) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, function parseJson(_request, body, done) {
    const text = body as string;
    if (text.trim() === '') return done(new AppError('MalformedDocument', 'the request body is empty; send a JSON document'), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new AppError('MalformedDocument', 'the request body is not valid JSON'), undefined);
    }
    const forbidden = findForbidden(value, 'body');
    if (forbidden) return done(invalidField(forbidden.path, `${forbidden.path} ${forbidden.what}`), undefined);
    return done(null, value);
  });
});
