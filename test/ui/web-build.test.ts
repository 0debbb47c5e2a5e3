/**
 * The built UI (web/dist, from scripts/install.sh): the first load stays under 300 KB of gzip-compressed
 * JavaScript (pages are separate chunks), and the committed client types match the OpenAPI document.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { WEB_DIST } from '../../src/api/routes/ui-static.routes.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIRST_LOAD_BUDGET = 300 * 1024;

describe('the built web UI', () => {
  it('loads at most 300 KB of compressed JavaScript before the first page shows', () => {
    const index = join(WEB_DIST, 'index.html');
    expect(existsSync(index), 'web/dist is built by scripts/install.sh').toBe(true);
    const html = readFileSync(index, 'utf8');
    // What the browser fetches before anything renders: the entry script and the chunks it preloads.
    const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const bytes = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length, 0);
    console.log(`first load: ${scripts.length} script(s), ${(bytes / 1024).toFixed(1)} KB gzip`);
    expect(bytes).toBeLessThan(FIRST_LOAD_BUDGET);
  });

  it('has client types generated from the committed docs/openapi.json', async () => {
    const document = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
    const committed = readFileSync(join(ROOT, 'web/src/api/openapi.d.ts'), 'utf8');
    // The command line adds a "generated, do not edit" comment before what the library returns.
    const body = committed.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '');
    expect(body, 'regenerate with npm run build:web').toBe(astToString(await openapiTS(document)));
  });
});
