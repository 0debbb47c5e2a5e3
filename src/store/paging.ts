/** Cursor pagination shared by every list: page limits, opaque cursors, and pages fetched with limit + 1. */
import { invalidField } from '../domain/errors.ts';
import type { Page, PageRequest } from './store.ts';

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw invalidField('limit', `limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
  return limit;
}

/** Cursors are the last id of the previous page, base64url-encoded so clients treat them as opaque. */
export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  const id = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^[a-z0-9]{10,64}$/.test(id)) throw invalidField('cursor', 'cursor is not valid; pass back the nextCursor of a previous page');
  return id;
}

/** Rows fetched with limit + 1 tell whether a next page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(last.id).toString('base64url') : null };
}
