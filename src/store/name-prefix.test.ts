import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixEnd } from './name-prefix.ts';

/** Code point order, as SQLite's BINARY collation and PostgreSQL's "C" collation compare UTF-8 text. */
const compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

const text = fc.string({ unit: 'grapheme', maxLength: 4 });

describe('prefixEnd', () => {
  it('bounds exactly the strings that start with the prefix', () => {
    fc.assert(
      fc.property(text, text, text, (prefix, suffix, other) => {
        const end = prefixEnd(prefix);
        const inRange = (name: string): boolean => compare(name, prefix) >= 0 && (end === null || compare(name, end) < 0);
        expect(inRange(prefix + suffix)).toBe(true);
        expect(inRange(other)).toBe(other.startsWith(prefix));
      }),
    );
  });

  it('steps over the surrogates and the last code point', () => {
    expect(prefixEnd('web')).toBe('wec');
    expect(prefixEnd('a\u{d7ff}')).toBe('a\u{e000}');
    expect(prefixEnd('a\u{10ffff}')).toBe('b');
    expect(prefixEnd('\u{10ffff}')).toBeNull();
  });
});
