/** Cursor pagination shared by every list: page limits, opaque cursors, and pages fetched with limit + 1. */
import { invalidField } from '../domain/errors.ts';
import { parsedProblems, parsedValue, type Parsed } from '../domain/problem.ts';
import type { Page, PageRequest } from './store.ts';

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw invalidField('limit', `limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
  return limit;
}

const ID = /^[a-z0-9]{10,64}$/;

/** Cursors are the last id of the previous page, base64url-encoded so clients treat them as opaque. */
export function decodeCursor(cursor: string | null | undefined): string | null {
  return decodeCursorAs(cursor, (text) => (ID.test(text) ? parsedValue(text) : parsedProblems('not an id')));
}

/** A cursor whose text is a position other than an id (a name:version), read by the domain's parser of it. */
export function decodeCursorAs<T>(cursor: string | null | undefined, read: (text: string) => Parsed<T, unknown>): T | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const position = text === '' ? null : read(text);
  if (!position?.ok) throw invalidField('cursor', 'cursor is not valid; pass back the nextCursor of a previous page');
  return position.value;
}

/** Rows fetched with limit + 1 tell whether a next page exists; the cursor is the last item's position (its id). */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T>;
export function toPage<T>(rows: T[], limit: number, positionOf: (item: T) => string): Page<T>;
export function toPage<T>(rows: T[], limit: number, positionOf = (item: T): string => (item as { id: string }).id): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(positionOf(last)).toString('base64url') : null };
}
