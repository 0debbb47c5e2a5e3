/**
 * The error catalog and docs/errors.md must say the same thing (STYLE E6): one section per code, headed by
 * the code (the anchor of its problem type), with the catalog's status and title and a matching example.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalog, problemType, type ErrorCode } from './errors.ts';
import { reasonCodes } from './reasons.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');
/** Level-2 sections of docs/errors.md that are not error codes. */
const OTHER_SECTIONS = ['Reason codes'];
const CODES = Object.keys(errorCatalog) as ErrorCode[];

/** The level-`depth` sections of `text`: heading → body (up to the next heading of that level or higher). */
function sections(text: string, depth: number): Map<string, string> {
  const result = new Map<string, string>();
  let current: string | null = null;
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^(#+) (.+?)\s*$/.exec(line);
    if (heading && heading[1]!.length <= depth) {
      current = heading[1]!.length === depth ? heading[2]! : null;
      if (current !== null) {
        expect(result.has(current), `docs/errors.md has two sections "${current}"`).toBe(false);
        result.set(current, '');
      }
    } else if (current !== null) {
      result.set(current, `${result.get(current)}${line}\n`);
    }
  }
  return result;
}

const DOC_SECTIONS = sections(DOC, 2);

describe('docs/errors.md', () => {
  it('has a section for every code in the error catalog', () => {
    const missing = CODES.filter((code) => !DOC_SECTIONS.has(code));
    expect(missing, 'catalog codes without a "## <Code>" section in docs/errors.md').toEqual([]);
  });

  it('has no section for a code that is not in the catalog', () => {
    const unknown = [...DOC_SECTIONS.keys()].filter((heading) => !(heading in errorCatalog) && !OTHER_SECTIONS.includes(heading));
    expect(unknown, 'sections of docs/errors.md that are neither a catalog code nor a known section').toEqual([]);
  });

  it.each(CODES)('states the catalog status and title of %s', (code) => {
    const { status, title } = errorCatalog[code];
    expect(DOC_SECTIONS.get(code) ?? '').toContain(`**Status:** ${status} · **Title:** ${title}`);
  });

  it.each(CODES)('gives an example problem document for %s that matches the catalog', (code) => {
    const body = DOC_SECTIONS.get(code) ?? '';
    const json = /```json\n([\s\S]*?)\n```/.exec(body)?.[1];
    expect(json, `no json example in the ${code} section`).toBeDefined();
    const { status, title } = errorCatalog[code];
    expect(JSON.parse(json!)).toMatchObject({ type: problemType(code), title, status, code, detail: expect.any(String) });
  });

  it.each(CODES)('says when %s happens and what the user should do', (code) => {
    const body = DOC_SECTIONS.get(code) ?? '';
    expect(body).toMatch(/\*\*When:\*\* \S/);
    expect(body).toMatch(/\*\*What to do:\*\* \S/);
  });

  it('lists exactly the reason codes of reasons.ts under "Reason codes"', () => {
    const reasons = [...sections(DOC_SECTIONS.get('Reason codes') ?? '', 3).keys()];
    expect(reasons.sort()).toEqual(Object.keys(reasonCodes).sort());
  });
});
