// Finds text that names a path outside the repository. A clone must stand
// alone: CI's own checkout has a `shared` directory beside it and this
// machine keeps other checkouts under /work, so a test or a comment that
// leans on either works here and nowhere else.
//
// The patterns are written so that this file does not match them itself.

export interface OutsidePath {
  /** 1-based */
  line: number;
  what: string;
  text: string;
}

const PATTERNS: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'a directory beside the repository', pattern: /\.\.\/shared\b/ },
  // the same, spelt as path segments (path.join(root, up, name))
  { what: 'a directory beside the repository', pattern: /['"`]\.\.['"`]\s*,\s*['"`]shared\b/ },
  { what: 'the shared reference collection', pattern: /shared\/reference/ },
  // an absolute path only: `${dir}/work/...` and /srv/work/... are not
  { what: 'an absolute /work/ path', pattern: /(^|[^\w.~/$}-])\/work\/[\w.]/ },
  // the design notes the project started from live beside it, not in it: docs/ is ours
  { what: 'a design document outside the repository', pattern: /\b(DESIGN|STYLE)\.md\b/ },
];

export function findOutsidePaths(text: string): OutsidePath[] {
  const found: OutsidePath[] = [];
  text.split('\n').forEach((line, i) => {
    const hit = PATTERNS.find(({ pattern }) => pattern.test(line));
    if (hit) found.push({ line: i + 1, what: hit.what, text: line.trim() });
  });
  return found;
}
