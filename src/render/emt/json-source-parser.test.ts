import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { parseJsonSource, toJsonValue } from './json-source-parser.ts';

describe('JSON with offsets', () => {
  it('reads what JSON.parse reads', () => {
    const text = '{\n  "a": [1, -2.5e3, true, null, "x\\u00e9\\n"],\n  "b": {}, "c": []\n}\n';
    expect(toJsonValue(parseJsonSource(text, 'f.json'))).toEqual(JSON.parse(text));
  });

  it('records where each value starts and ends', () => {
    const text = '{"a": [ "x" ]}';
    const root = parseJsonSource(text, 'f.json');
    const list = root.kind === 'object' ? root.entries[0]!.value : null;
    expect(text.slice(list!.start, list!.end)).toBe('[ "x" ]');
  });

  it.each([
    ['{\n  "a": [1,\n  ]\n}', 'f.json is not JSON: expected a value, found "]" at line 3 column 3 (position 15)'],
    [
      '{"a": 1',
      'f.json is not JSON: expected "," or "}" after a property value, found the end of the file at line 1 column 8 (position 7)',
    ],
    ['{a: 1}', 'f.json is not JSON: expected a property name in double quotes, found "a" at line 1 column 2 (position 1)'],
    ['{} x', 'f.json is not JSON: expected the end of the document, found "x" at line 1 column 4 (position 3)'],
    ['"abc', 'f.json is not JSON: unterminated string, found "\\"" at line 1 column 1 (position 0)'],
  ])('names the file, line and column of a syntax error in %j', (text, message) => {
    expectAppError(() => parseJsonSource(text, 'f.json'), { code: 'MalformedDocument', detail: message });
  });
});
