/** The end of a program's output, for error messages and reports: the last lines say what went wrong. */
export const outputTail = (text: string, max = 1500): string => (text.length > max ? `…${text.slice(-max)}` : text).trim();
