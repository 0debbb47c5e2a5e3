import { describe, expect, it } from 'vitest';
import { readAllPages } from './read-all-pages.ts';

describe('readAllPages', () => {
  it('follows each nextCursor until a page has none, in order', async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
      first: { items: [1, 2], nextCursor: 'b' },
      b: { items: [3], nextCursor: 'c' },
      c: { items: [], nextCursor: null },
    };
    const asked: (string | undefined)[] = [];
    const items = await readAllPages(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'first']!;
    });
    expect(items).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });
});
