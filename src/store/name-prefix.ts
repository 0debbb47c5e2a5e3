/**
 * A name prefix as a range an index can serve: `prefix <= name < prefixEnd(prefix)` in code point order (SQLite's
 * BINARY collation compares UTF-8 bytes, which orders as code points; PostgreSQL compares in the "C" collation).
 */

/** The least string above every string that starts with `prefix`, or null when there is none. */
export function prefixEnd(prefix: string): string | null {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()! + 1;
    if (last > 0x10ffff) continue;
    // A lone surrogate is no character: past the surrogates comes U+E000.
    points.push(last >= 0xd800 && last <= 0xdfff ? 0xe000 : last);
    return String.fromCodePoint(...points);
  }
  return null;
}
