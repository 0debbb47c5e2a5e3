/**
 * The OpenAPI document is generated from the routes: it must validate, list every route, and match the
 * committed docs/openapi.json (regenerate with `node scripts/openapi.ts` after changing routes).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../src/contract/paths.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { engines } from '../support/engines.ts';

describe('OpenAPI document', () => {
  let api: ApiHarness;
  let doc: { paths: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    api = await createApiHarness(await engines[0]!.createStore());
    const res = await api.call('GET', OPENAPI_PATH, { token: null });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => api?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('documents every route the server has, and no route it lacks', () => {
    const served = api.app.routeCatalog
      // The web UI's files (/*) are not part of the API.
      .filter((r) => r.url !== '/healthz' && r.url !== OPENAPI_PATH && r.url !== '/*')
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:([a-zA-Z]+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('declares problem responses for auth failures on every protected operation', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { responses: Record<string, unknown> }>)) {
        const expected = path.startsWith('/api/v1/projects/') ? ['400', '401', '403'] : ['400', '401'];
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(expected));
      }
    }
  });

  it('matches the committed docs/openapi.json', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(doc).toEqual(committed);
  });
});
