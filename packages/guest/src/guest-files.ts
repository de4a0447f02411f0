// A guest's file system as the pure code sees it: read a file, list a
// directory. Tests back it with a fixture tree, the worker with the mounted
// disk; the planning code never touches the disk itself.
import path from 'node:path';
import { guestRoot } from './guest-root';

export interface GuestFiles {
  /** the file's text, or null when it does not exist (or is not a regular file) */
  read(file: string): string | null;
  exists(file: string): boolean;
  /** names in a directory, [] when it does not exist */
  list(dir: string): string[];
}

/**
 * Files from a directory tree standing for the guest's root, every path
 * resolved inside it (guest-root.ts): a guest's links never lead out.
 */
export function treeFiles(root: string): GuestFiles {
  const g = guestRoot(root);
  return { read: (file) => g.read(file), exists: (file) => g.exists(file), list: (dir) => g.list(dir) };
}

/** Files from a map (path -> content), for small tests. */
export function mapFiles(files: Record<string, string>): GuestFiles {
  const norm = (p: string) => path.posix.normalize(`/${p}`);
  const map = new Map(Object.entries(files).map(([k, v]) => [norm(k), v]));
  return {
    read: (file) => map.get(norm(file)) ?? null,
    exists: (file) => map.has(norm(file)) || [...map.keys()].some((k) => k.startsWith(`${norm(file)}/`)),
    list: (dir) => {
      const prefix = `${norm(dir)}/`.replace(/^\/\/$/, '/');
      return [
        ...new Set(
          [...map.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]!),
        ),
      ].sort();
    },
  };
}
