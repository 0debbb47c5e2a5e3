/**
 * Rows that never change once written: a template version and an OS profile version are immutable (they are
 * created and deleted, never updated), so an exact-version lookup is read once per process. One cache per opened
 * store, shared with its transactions; a delete forgets its row at once. Only reads outside a transaction fill it,
 * so a row a transaction wrote and then rolled back is never kept. Another replica's delete is not seen, but a
 * version in use cannot be deleted, and a new document under a deleted version's name is refused by convention.
 */
export interface DocumentCache<Row> {
  /** The cached row, or `load()` (kept when found, unless this is the read-only side). */
  read(key: string, load: () => Promise<Row | undefined>): Promise<Row | undefined>;
  forget(key: string): void;
}

/** Entries kept before the cache starts over (thousands of versions are far more than any project has). */
const MAX_ENTRIES = 4_096;

/** One cache seen two ways: `filling` for the store itself, `readOnly` for its transactions. */
export function createDocumentCache<Row>(): { filling: DocumentCache<Row>; readOnly: DocumentCache<Row> } {
  const rows = new Map<string, Row>();
  const side = (fill: boolean): DocumentCache<Row> => ({
    async read(key, load) {
      const cached = rows.get(key);
      if (cached !== undefined) return cached;
      const row = await load();
      if (row !== undefined && fill) {
        if (rows.size >= MAX_ENTRIES) rows.clear();
        rows.set(key, row);
      }
      return row;
    },
    forget: (key) => void rows.delete(key),
  });
  return { filling: side(true), readOnly: side(false) };
}

/** The key of a document version in a project. */
export const documentKey = (project: string, name: string, version: string): string => JSON.stringify([project, name, version]);
