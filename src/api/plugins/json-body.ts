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

/** A value still to look at; its path is spelled out only when something is found (bodies can be large). */
interface Visit {
  value: unknown;
  depth: number;
  key: string;
  parent: Visit | null;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | null = visit; v; v = v.parent) keys.push(v.key);
  return keys.reverse().join('/');
}

/** The first value past `maxDepth` or forbidden, walked depth-first with an explicit stack; null when none. */
export function findForbidden(root: unknown, maxDepth: number): Finding | null {
  const stack: Visit[] = [{ value: root, depth: 0, key: 'body', parent: null }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { kind: 'forbidden', path: pathOf(visit), what: 'contains a NUL character' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'too-deep', path: pathOf(visit) };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, key: String(i), parent: visit });
      continue;
    }
    const keys = Object.keys(value);
    for (const key of keys) {
      if (key === '__proto__' || key.includes('\u0000'))
        return { kind: 'forbidden', path: `${pathOf(visit)}/${key.replaceAll('\u0000', '\\u0000')}`, what: 'is not an allowed key' };
    }
    // Pushed in reverse so the first key is looked at first, as a reader would.
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ value: (value as Record<string, unknown>)[keys[i]!], depth: depth + 1, key: keys[i]!, parent: visit });
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
