/**
 * Paging the catalog (OS profiles, templates), written once and run per engine (test/api/api.test.ts): pages
 * concatenate to the whole list in its order (names in code point order, profile versions the latest first,
 * template versions by value), filters keep working across pages, and a bad cursor or limit is refused naming it.
 * Names and versions are chosen where text order, a locale's collation and version order disagree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOsProfileDocument } from '../../src/domain/inventory/os-profile.ts';
import { parseTemplate } from '../../src/domain/inventory/template.ts';
import type { Store } from '../../src/store/store.ts';
import { createApiHarness, type ApiHarness } from '../support/api-harness.ts';
import { readFormat } from '../support/formats.ts';

const PROJECT = 'catalog-paging';
const C = `/api/v1/projects/${PROJECT}`;
const EMT = parseOsProfileDocument(readFormat('os-profiles/microvisor-nonrt.yaml'));

/** The list's order, written out: names by code point ("-" < "." < digits < letters), each name's latest version first. */
const PROFILES = [
  ...['10.0', '3.2', '3.02', '3.1', '3.0.rc1', '3.0.20260602.2200', '3.0.20250504', '3.0.9'].map((v) => `a-b:${v}`),
  'a.b:1',
  'a0:2',
  'a0:1',
  'ab:1.0',
];
/** Template versions by value, a -dev version before its release; the rke2 one is left out by the flavor filter. */
const TEMPLATES = [...['v0.0.4-dev', 'v0.0.4', 'v0.0.10', 'v0.10.0', 'v1.0.0'].map((v) => `k-a:${v}`), 'k.a:v2.0.2', 'ka:v0.0.1'];

const refs = (items: { name: string; version: string }[]): string[] => items.map((i) => `${i.name}:${i.version}`);

export function runCatalogPagingCases({ createStore }: { createStore: () => Promise<Store> }): void {
  let api: ApiHarness;
  const get = async (path: string) => api.call('GET', path, { token: await api.token(PROJECT, 'viewer') });
  /** Follows nextCursor from the first page, returning each page's body. */
  async function readPages(path: string): Promise<{ items: { name: string; version: string }[]; excluded?: unknown[] }[]> {
    const pages = [];
    let cursor: string | null = null;
    do {
      const res = await get(`${path}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      pages.push(res.json());
      cursor = res.json().nextCursor;
    } while (cursor);
    return pages;
  }
  beforeAll(async () => {
    api = await createApiHarness(await createStore());
    await api.store.projects.ensure(PROJECT);
    const k3s = JSON.parse(readFormat('templates/baseline-k3s-v0.0.4.json')) as Record<string, unknown>;
    const newer = JSON.parse(readFormat('templates/baseline-k3s-v0.0.10.json')) as Record<string, unknown>;
    const rke2 = JSON.parse(readFormat('templates/baseline-rke2-v2.0.2.json')) as Record<string, unknown>;
    await api.store.transaction(async (store) => {
      for (const ref of [...PROFILES].reverse()) {
        const [name, version] = ref.split(':') as [string, string];
        await store.osProfiles.create(PROJECT, { ...EMT, name, version, resourceId: null });
      }
      for (const [i, ref] of TEMPLATES.entries()) {
        const [name, version] = ref.split(':') as [string, string];
        const doc = name === 'k.a' ? rke2 : i % 2 ? newer : k3s;
        await store.templates.create(PROJECT, parseTemplate({ ...doc, name, version }));
      }
    });
  });
  afterAll(async () => api?.close());

  describe('OS profiles', () => {
    it('pages concatenate to the whole list, by name in code point order, the latest version first', async () => {
      for (const limit of [1, 5, 12]) {
        const pages = await readPages(`${C}/osprofiles?limit=${limit}`);
        expect(pages).toHaveLength(Math.ceil(PROFILES.length / limit));
        expect(refs(pages.flatMap((p) => p.items))).toEqual(PROFILES);
      }
    });

    it('pages the versions of one name', async () => {
      const pages = await readPages(`${C}/osprofiles?name=a-b&limit=3`);
      expect(refs(pages.flatMap((p) => p.items))).toEqual(PROFILES.filter((ref) => ref.startsWith('a-b:')));
    });
  });

  describe('templates', () => {
    it('pages concatenate to the whole list, by name, then version, and the flavor filter holds across pages', async () => {
      expect(refs((await readPages(`${C}/templates?limit=2`)).flatMap((p) => p.items))).toEqual(TEMPLATES);
      const k3s = await readPages(`${C}/templates?flavor=k3s&limit=3`);
      expect(refs(k3s.flatMap((p) => p.items))).toEqual(TEMPLATES.filter((ref) => !ref.startsWith('k.a:')));
    });

    it('pages the templates compatible with every version of a profile, with the excluded ones', async () => {
      const whole = (await get(`${C}/templates?compatibleWithOsProfile=a0&explain=true&limit=500`)).json();
      expect(whole.items).toHaveLength(8); // the four v1.32 K3s templates on each of a0's two versions
      const pages = await readPages(`${C}/templates?compatibleWithOsProfile=a0&explain=true&limit=2`);
      expect(pages).toHaveLength(4);
      expect(pages.flatMap((p) => p.items)).toEqual(whole.items);
      expect(pages.flatMap((p) => p.excluded)).toEqual(whole.excluded);
    });
  });

  it.each([
    ['osprofiles', '!!!'],
    ['osprofiles', Buffer.from('a0').toString('base64url')],
    ['osprofiles', Buffer.from('0123456789abcdef').toString('base64url')],
    ['templates', Buffer.from('ka:1.0').toString('base64url')],
    ['templates', Buffer.from('x'.repeat(300)).toString('base64url')],
  ])('refuses a bad cursor for %s (%s) naming cursor', async (list, cursor) => {
    const res = await get(`${C}/${list}?cursor=${cursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'InvalidField', field: expect.stringMatching(/cursor/) });
  });

  it.each([
    ['osprofiles', '0'],
    ['osprofiles', '501'],
    ['templates', '1.5'],
  ])('refuses limit for %s out of 1..500 (%s) naming limit', async (list, limit) => {
    const res = await get(`${C}/${list}?limit=${limit}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: expect.stringMatching(/limit/) });
  });
}
