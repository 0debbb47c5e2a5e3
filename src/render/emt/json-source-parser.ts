/**
 * JSON read with the offsets of every value, so a file can be edited in place (only the inserted bytes change)
 * and a parse error can name its line and column (JSON.parse's messages do not always say where).
 */
import { AppError } from '../../domain/errors.ts';

export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'scalar'; start: number; end: number; value: string | number | boolean | null };

export interface JsonEntry {
  key: string;
  value: JsonNode;
}

/** Line and column (both from 1) of an offset in `text`. */
export function computeLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Parses `text` as one JSON document; fails with MalformedDocument naming `file`, the line, column and offset. */
export function parseJsonSource(text: string, file: string): JsonNode {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (what: string, at = pos): never => {
    const { line, column } = computeLineColumn(text, at);
    const found = at >= text.length ? 'the end of the file' : JSON.stringify(text[at]);
    throw new AppError(
      'MalformedDocument',
      `${file} is not JSON: ${what}, found ${found} at line ${line} column ${column} (position ${at})`,
      { extra: { file, line, column, position: at } },
    );
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const expect = (char: string): void => {
    if (text[pos] !== char) fail(`expected ${JSON.stringify(char)}`);
    pos++;
  };

  function parseString(): { value: string; start: number; end: number } {
    const start = pos;
    expect('"');
    while (pos < text.length && text[pos] !== '"') {
      const c = text.charCodeAt(pos);
      if (c < 0x20) fail('control character in a string');
      if (text[pos] === '\\') {
        if (!/^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(pos, pos + 6))) fail('invalid escape in a string');
        pos += text[pos + 1] === 'u' ? 6 : 2;
      } else {
        pos++;
      }
    }
    if (pos >= text.length) fail('unterminated string', start);
    pos++;
    return { value: JSON.parse(text.slice(start, pos)) as string, start, end: pos };
  }

  function parseValue(depth: number): JsonNode {
    if (depth > 512) fail('nesting deeper than 512 levels');
    skipSpace();
    const start = pos;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: JsonEntry[] = [];
      skipSpace();
      if (text[pos] === '}') return { kind: 'object', start, end: ++pos, entries };
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('expected a property name in double quotes');
        const key = parseString().value;
        skipSpace();
        expect(':');
        entries.push({ key, value: parseValue(depth + 1) });
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') return { kind: 'object', start, end: ++pos, entries };
        fail('expected "," or "}" after a property value');
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[pos] === ']') return { kind: 'array', start, end: ++pos, items };
      for (;;) {
        items.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') return { kind: 'array', start, end: ++pos, items };
        fail('expected "," or "]" after a list item');
      }
    }
    if (c === '"') {
      const s = parseString();
      return { kind: 'scalar', start, end: s.end, value: s.value };
    }
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(pos, pos + 400));
    if (!literal) return fail('expected a value');
    pos += literal[0].length;
    return { kind: 'scalar', start, end: pos, value: JSON.parse(literal[0]) as number | boolean | null };
  }

  const root = parseValue(0);
  skipSpace();
  if (pos < text.length) fail('expected the end of the document');
  return root;
}

/** The plain value of a node, as JSON.parse would give it. */
export function toJsonValue(node: JsonNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'array') return node.items.map(toJsonValue);
  return Object.fromEntries(node.entries.map((e) => [e.key, toJsonValue(e.value)]));
}

/** The value of `key` in an object node; the last one wins, as with JSON.parse. */
export function findEntry(node: JsonNode, key: string): JsonNode | undefined {
  return node.kind === 'object' ? node.entries.findLast((e) => e.key === key)?.value : undefined;
}
