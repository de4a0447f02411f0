// One HTTP byte range (RFC 9110 14.1.2): "bytes=a-b", "bytes=a-" or the
// suffix "bytes=-n". A syntax we do not parse, or several ranges, is served
// as the whole file (200), which the RFC allows; a range that starts past
// the end is unsatisfiable (416).
export type ByteRange = [start: number, end: number];

export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return [start, end];
}
