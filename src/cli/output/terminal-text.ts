/**
 * Text from the server (names, labels, error details) can carry terminal escape sequences that would recolour,
 * move the cursor or retitle the operator's terminal: everything the CLI prints passes through here first.
 */

/** C0 controls, DEL, and the C1 controls (0x9b is an 8-bit CSI). */
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);
const TAB = 0x09;
const NEWLINE = 0x0a;

function keepOnly(text: string, keep: (code: number) => boolean): string {
  let out = '';
  for (const char of text) if (keep(char.charCodeAt(0))) out += char;
  return out;
}

/** Removes control characters, keeping tabs and line breaks. */
export function stripControlCharacters(text: string): string {
  return keepOnly(text, (code) => !isControl(code) || code === TAB || code === NEWLINE);
}

/** One table cell: every control character removed. */
export function stripControlCharactersInCell(text: string): string {
  return keepOnly(text, (code) => !isControl(code));
}

/** JSON text with DEL and the C1 controls (which JSON.stringify leaves raw) as \u escapes: same data, nothing a terminal acts on. */
export function escapeControlCharactersInJson(json: string): string {
  let out = '';
  for (const char of json) {
    const code = char.charCodeAt(0);
    out += code >= 0x7f && code <= 0x9f ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}
