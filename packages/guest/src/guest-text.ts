// A guest's files are written by whoever had root in the container: the host
// reads at most GUEST_READ_MAX_BYTES of one (guest-root.ts) and parses them
// in time linear in their length. A regex such as /\n*$/ takes time
// quadratic in a run of newlines that does not end the text (V8 backtracks
// from every position of the run): 40,000 of them took 0.9 s, a few MiB
// would take hours. These helpers do the same with plain scans.

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
