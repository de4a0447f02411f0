// A guest's files are written by whoever had root in the container: the host
// reads at most MAX_GUEST_FILE_BYTES of any one of them, and parses them in
// time linear in their length. A regex such as /\n*$/ or /^x.*a.*\bb\b/ takes
// time quadratic in the length of a line without a match (V8 backtracks), so
// one 2 MB line in /etc/inittab stalled the worker for minutes: these
// helpers do the same with plain scans.

/** The most vzferry reads of one file of a guest (a configuration file is a few KiB). */
export const MAX_GUEST_FILE_BYTES = 1024 * 1024;

/** The text without the newlines at its end (what .replace(/\n*$/, '') did). */
export function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return text.slice(0, end);
}

/** The text ending in exactly one newline (what .replace(/\n*$/, '\n') did; '' becomes '\n'). */
export function withOneTrailingNewline(text: string): string {
  return `${withoutTrailingNewlines(text)}\n`;
}

/** A character of \w ([A-Za-z0-9_]); undefined (past either end) is not. */
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /^\w$/.test(c);
}

/**
 * Whether `word` occurs in `text` at or after `from`, ending at a word
 * boundary and, with `wordStart`, starting at one (regex `word\b`, `\bword\b`).
 */
export function hasWord(text: string, word: string, from: number, wordStart: boolean): boolean {
  for (let i = text.indexOf(word, from); i >= 0; i = text.indexOf(word, i + 1)) {
    if ((!wordStart || !isWordChar(text[i - 1])) && !isWordChar(text[i + word.length])) return true;
  }
  return false;
}
