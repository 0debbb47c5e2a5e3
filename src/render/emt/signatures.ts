/** The EMT toolkit's `<name>.signatures.json`, indented with four spaces like the toolkit's own. */
import type { Signatures } from '../../domain/emt/signatures.ts';

export function renderSignatures(signatures: Signatures): string {
  return `${JSON.stringify({ Signatures: signatures }, null, 4)}\n`;
}
