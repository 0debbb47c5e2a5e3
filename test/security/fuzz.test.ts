/**
 * Generated requests over the OpenAPI document: 10,000 requests, each an operation of the document with path,
 * query and body built from its schemas (valid values, values of the wrong type, arbitrary JSON, malformed
 * text) and one of several credentials. No answer may be a 5xx, and the server must still answer afterwards.
 * Rate limits are raised so every request reaches the routes; long-poll waits are set to zero to keep it fast.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEphemeralKeyring } from '../../src/store/secret-box.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';

const REQUESTS = 10_000;

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  minimum?: number;
  maximum?: number;
};
interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema }[];
  body: Schema | null;
}

/** Values of `schema`, now and then of another type or shape. */
function valueOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const valid = validValueOf(schema, depth);
  return fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });
}

function validValueOf(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s) => validValueOf(s, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return schema.format === 'uuid' ? fc.uuid() : fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('alpha', 'edge-1', 'v1.0.0'));
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 200, 200) });
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueOf(schema.items ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 3) return fc.constant({});
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, valueOf(s, depth + 1)]));
      return fc.record(properties, { requiredKeys: schema.required?.filter((k) => k in properties) ?? [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

let api: ApiHarness;
let operations: Operation[];
let credentials: (string | null)[];

beforeAll(async () => {
  const store = await openStore({
    engine: 'sqlite',
    file: join(mkdtempSync(join(tmpdir(), 'edge-orch-fuzz-')), 'db.sqlite'),
    secrets: createEphemeralKeyring(),
  });
  api = await createApiHarness(store, { limits: { enrollmentsPerWindow: 1e9, authFailuresPerWindow: 1e9 } });
  credentials = [
    await api.token('alpha', 'admin'),
    await api.token('alpha', 'viewer'),
    await api.token('beta', 'admin'),
    null,
    'not-a-token',
  ];
  const doc = api.app.swagger() as {
    paths: Record<
      string,
      Record<string, { parameters?: Operation['params']; requestBody?: { content: Record<string, { schema: Schema }> } }>
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      params: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema ?? null,
    })),
  );
});
afterAll(() => api.close());

it(`answers ${REQUESTS} generated requests over the OpenAPI document without a 5xx, and stays healthy`, async () => {
  const request = fc.constantFrom(...operations).chain((op) =>
    fc.record({
      op: fc.constant(op),
      params: fc.record(
        Object.fromEntries(
          op.params.map((p) => [
            `${p.in}:${p.name}`,
            p.in === 'path' && p.name === 'project' ? fc.constantFrom('alpha', 'beta', 'gamma', '%zz', '..') : valueOf(p.schema),
          ]),
        ),
        { requiredKeys: op.params.filter((p) => p.in === 'path').map((p) => `${p.in}:${p.name}`) },
      ),
      body: op.body
        ? fc.oneof(
            { arbitrary: valueOf(op.body), weight: 6 },
            { arbitrary: fc.string({ maxLength: 20 }).map((text) => ({ raw: text })), weight: 1 },
          )
        : fc.constant(undefined),
      credential: fc.constantFrom(...credentials),
    }),
  );
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async ({ op, params, body, credential }) => {
      let url = op.path;
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        const [where, name] = key.split(':') as [string, string];
        if (where === 'path') url = url.replace(`{${name}}`, name === 'project' ? asText(value) : encodeURIComponent(asText(value)));
        else if (where === 'query') query.set(name, asText(value));
      }
      // Long-polls and job waits would hold each request for seconds.
      for (const name of ['wait', 'waitSeconds']) if (op.params.some((p) => p.name === name)) query.set(name, '0');
      if (body && typeof body === 'object' && !Array.isArray(body) && 'waitSeconds' in body)
        (body as Record<string, unknown>)['waitSeconds'] = 0;
      const raw = body && typeof body === 'object' && 'raw' in body ? String((body as { raw: string }).raw) : undefined;
      const res = await api.app.inject({
        method: op.method as 'GET',
        url: `${url}${query.size > 0 ? `?${query}` : ''}`,
        headers: {
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
          ...(op.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(op.body ? { payload: raw ?? JSON.stringify(body ?? null) } : {}),
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) throw new Error(`${op.method} ${url} answered ${res.statusCode}: ${res.body}`);
    }),
    { numRuns: REQUESTS, seed: 15 },
  );
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
  expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  // Requests got past validation too, not only refusals.
  const succeeded = [...statuses].filter(([status]) => status < 300).reduce((n, [, count]) => n + count, 0);
  expect(succeeded).toBeGreaterThan(REQUESTS / 100);
  expect((await api.call('GET', '/healthz', { token: null })).statusCode).toBe(200);
  expect((await api.call('GET', '/api/v1/projects/alpha/hosts')).statusCode).toBe(200);
}, 120_000);
