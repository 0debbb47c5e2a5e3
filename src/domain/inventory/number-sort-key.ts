/**
 * A run of digits as text that sorts by value in code-point order: its length (leading zeros dropped, three
 * digits) and then the digits, so 9 < 10 < 020250504 without parsing the number (parts can exceed 2^53).
 */
export function numberSortKey(digits: string): string {
  const value = digits.replace(/^0+(?=\d)/, '');
  return `${String(value.length).padStart(3, '0')}${value}`;
}
