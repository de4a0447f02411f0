// The pipeline writes its messages for log lines ("batch wave-1 is at its
// limit of 10 concurrent runs"); on a page they read as sentences.

/** Starts with a capital and ends with a full stop; a first word with digits, a slash or an underscore (qcow2, /etc/fstab, rsync_failed) keeps its case. */
export function asSentence(text: string | null | undefined): string {
  const t = (text ?? '').trim();
  if (!t) return '';
  // a first word of plain lower-case letters, then a space or punctuation, is an ordinary word
  const capitalised = /^[a-z]+(?=[\s,;:])/.test(t) ? t[0]!.toUpperCase() + t.slice(1) : t;
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
