/**
 * Text from the server (names, labels, error details) can carry terminal escape sequences that would recolour,
 * move the cursor or retitle the operator's terminal: everything the CLI prints passes through here first.
 */

/** C0 controls but tab and newline, DEL, and the C1 controls (0x9b is an 8-bit CSI). */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** The same, tab and newline included: a table cell is one line. */
const CONTROL_CHARACTERS_IN_CELL = /[\u0000-\u001f\u007f-\u009f]/g;
/** What JSON.stringify leaves raw: DEL and the C1 controls. */
const RAW_IN_JSON = /[\u007f-\u009f]/g;

/** Removes control characters, keeping tabs and line breaks. */
export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** One table cell: every control character removed. */
export function stripControlCharactersInCell(text: string): string {
  return text.replace(CONTROL_CHARACTERS_IN_CELL, '');
}

/** JSON text with DEL and C1 controls written as \u escapes: the same data, nothing a terminal acts on. */
export function escapeControlCharactersInJson(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
