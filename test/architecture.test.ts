/**
 * Imports point inward only (STYLE L1): domain ← render ← store/workflow/emt ← api/cli/agent ← main.
 * The domain and render layers do no I/O: no node:* imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** What each layer may import from (besides itself and npm packages). */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  render: ['domain'],
  store: ['domain'],
  workflow: ['domain', 'render', 'store'],
  emt: ['domain', 'render'],
  api: ['domain', 'render', 'store', 'workflow'],
  agent: ['domain', 'render'],
  cli: ['domain', 'render', 'emt', 'api'],
  root: ['domain', 'render', 'store', 'workflow', 'emt', 'api', 'agent', 'cli', 'root'],
};
const PURE = new Set(['domain', 'render']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

const layerOf = (file: string): string => {
  const first = relative(SRC, file).split('/')[0]!;
  return first.endsWith('.ts') ? 'root' : first;
};

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('keeps imports pointing inward and the pure layers free of I/O', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const target = layerOf(resolve(dirname(file), spec));
          if (target !== layer && !(ALLOWED[layer] ?? []).includes(target)) violations.push(`${relative(SRC, file)} imports ${spec} (${layer} → ${target})`);
        } else if (PURE.has(layer) && (spec.startsWith('node:') || ['fs', 'child_process', 'net', 'http'].includes(spec))) {
          violations.push(`${relative(SRC, file)} (pure layer ${layer}) imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
