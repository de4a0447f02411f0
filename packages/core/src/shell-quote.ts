// The one function that turns an argv array into a POSIX shell command line.
// Remote commands (ssh exec runs a line through the user's shell) are built
// only with it: every word is single-quoted, so no byte of data can become
// shell syntax.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuoteWord(word: string): string {
  if (word.includes('\0')) throw new Error('a shell word cannot contain a NUL byte');
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(shellQuoteWord).join(' ');
}

/** A command as the run log shows it: a line a person can read and paste; a NUL byte (which no command can take) is shown escaped rather than refused. */
export function commandLineForLog(argv: readonly string[]): string {
  return argv.map((w) => (w.includes('\0') ? JSON.stringify(w) : shellQuoteWord(w))).join(' ');
}
