/**
 * The JSON body parser: an unparseable body is MalformedDocument, and so is one nested deeper than the limit
 * (checked without recursion, so no body can exhaust the stack); strings may not carry NUL characters
 * (PostgreSQL text cannot store them) nor objects a `__proto__` key (prototype poisoning). An empty body is
 * accepted by routes that take none (a DELETE sent with a JSON content type).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, invalidField } from '../../domain/errors.ts';

type Finding = { kind: 'forbidden'; path: string; what: string } | { kind: 'too-deep'; path: string };

/** The first value past `maxDepth` or forbidden, walked depth-first with an explicit stack; null when none. */
export function findForbidden(root: unknown, maxDepth: number): Finding | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: 'body', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { kind: 'forbidden', path, what: 'contains a NUL character' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'too-deep', path };
    const entries = Array.isArray(value) ? value.map((inner, i) => [String(i), inner] as const) : Object.entries(value);
    // Pushed in reverse so the first key is looked at first, as a reader would.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      if (key === '__proto__' || key.includes('\u0000'))
        return { kind: 'forbidden', path: `${path}/${key.replaceAll('\u0000', '\\u0000')}`, what: 'is not an allowed key' };
      stack.push({ value: inner, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return null;
}

export const jsonBody = fp(async function jsonBodyPlugin(app: FastifyInstance, { maxDepth }: { maxDepth: number }) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, function parseJson(request, body, done) {
    const text = body as string;
    if (text.trim() === '') {
      if (!request.routeOptions.schema?.body) return done(null, undefined);
      return done(new AppError('MalformedDocument', 'the request body is empty; send a JSON document'), undefined);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new AppError('MalformedDocument', 'the request body is not valid JSON'), undefined);
    }
    const found = findForbidden(value, maxDepth);
    if (found?.kind === 'too-deep')
      return done(
        new AppError('MalformedDocument', `the request body is nested deeper than ${maxDepth} levels (at ${found.path})`, {
          field: found.path,
        }),
        undefined,
      );
    if (found) return done(invalidField(found.path, `${found.path} ${found.what}`), undefined);
    return done(null, value);
  });
});
