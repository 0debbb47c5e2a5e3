/**
 * Bytes of a CSV file → text, chunk by chunk: UTF-8 only (a UTF-8 byte order mark is dropped), CRLF read as LF
 * so line counts are exact. A UTF-16 file, or bytes that are not UTF-8, stop decoding with one problem that
 * names the encoding and the line, instead of rows of garbled cells.
 */

/** The encoding problem: the line it was found on and what to do. */
export interface EncodingProblem {
  line: number;
  message: string;
}

export interface CsvTextDecoder {
  /** The text of the next chunk, or the file's encoding problem (decoding then stops). */
  decode(bytes: Uint8Array): string | EncodingProblem;
  /** Whatever the last chunk held back (a lone CR, or a UTF-8 sequence cut short at the end of the file). */
  end(): string | EncodingProblem;
}

const SAVE_AS_UTF8 = 'save the file as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)") and import it again';

export function createCsvTextDecoder(): CsvTextDecoder {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  const check = createUtf8Check();
  let first = true;
  let pendingCr = false;

  function normalize(text: string): string {
    let out = pendingCr ? `\r${text}` : text;
    pendingCr = out.endsWith('\r');
    if (pendingCr) out = out.slice(0, -1);
    return out.replace(/\r\n/g, '\n');
  }

  return {
    decode(bytes) {
      if (first && bytes.length > 0) {
        first = false;
        const utf16 = utf16Kind(bytes);
        if (utf16) return { line: 1, message: `the file is ${utf16}, not UTF-8; ${SAVE_AS_UTF8}` };
      }
      const bad = check.feed(bytes);
      if (bad) return bad;
      return normalize(decoder.decode(bytes, { stream: true }));
    },
    end() {
      const bad = check.end();
      if (bad) return bad;
      const rest = normalize(decoder.decode());
      return pendingCr ? `${rest}\r` : rest;
    },
  };
}

/** UTF-16 by its byte order mark, or by the NUL bytes ASCII text has in UTF-16 without one. */
function utf16Kind(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16 (little-endian, with a byte order mark)';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16 (big-endian, with a byte order mark)';
  if (bytes.length >= 4 && bytes[0] !== 0 && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return 'UTF-16 (little-endian)';
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0 && bytes[3] !== 0) return 'UTF-16 (big-endian)';
  return null;
}

/**
 * A streaming UTF-8 check (the Unicode well-formed byte sequences, table 3-7) that counts lines, so the first
 * bad byte is reported with its line; TextDecoder's fatal mode would say only that something was wrong.
 */
function createUtf8Check(): { feed(bytes: Uint8Array): EncodingProblem | null; end(): EncodingProblem | null } {
  let line = 1;
  let need = 0;
  let low = 0x80;
  let high = 0xbf;
  const problem = (byte: number): EncodingProblem => ({
    line,
    message:
      byte === 0
        ? `the file has a NUL byte, which text never has: it is probably UTF-16 or not a CSV file; ${SAVE_AS_UTF8}`
        : `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not UTF-8: the file is probably Windows-1252 or ISO-8859-1 (what Excel's plain "CSV" saves); ${SAVE_AS_UTF8}`,
  });
  return {
    feed(bytes) {
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (need === 0) {
          if (b < 0x80) {
            if (b === 0x0a) line++;
            else if (b === 0) return problem(b);
            continue;
          }
          if (b >= 0xc2 && b <= 0xdf) need = 1;
          else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            low = b === 0xe0 ? 0xa0 : 0x80;
            high = b === 0xed ? 0x9f : 0xbf;
          } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            low = b === 0xf0 ? 0x90 : 0x80;
            high = b === 0xf4 ? 0x8f : 0xbf;
          } else return problem(b);
        } else {
          if (b < low || b > high) return problem(b);
          low = 0x80;
          high = 0xbf;
          need--;
        }
      }
      return null;
    },
    end() {
      return need === 0 ? null : { line, message: `the file ends in the middle of a UTF-8 character; ${SAVE_AS_UTF8}` };
    },
  };
}
