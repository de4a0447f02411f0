// What "this directory did not change" compares, for the tests that aim a
// guest's links at a canary directory: every entry under a directory with
// its mode, mtime and link target or content hash, by relative path (a
// failing comparison names the entries that changed).
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export function snapshotTree(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      const what = st.isSymbolicLink()
        ? `-> ${readlinkSync(p)}`
        : st.isDirectory()
          ? 'dir'
          : st.isFile()
            ? createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16)
            : `node ${st.rdev}`;
      out[rel] = `${st.mode.toString(8)} ${st.mtimeMs} ${what}`;
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
