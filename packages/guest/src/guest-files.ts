// A guest's file system as the pure code sees it: read a file, list a
// directory. Tests back it with a fixture tree, the worker with the mounted
// disk; the planning code never touches the disk itself. A file over
// MAX_GUEST_FILE_BYTES is an error, not a truncated read: a plan made from
// part of a configuration file would rewrite it without the rest.
import { existsSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { AppError, formatBytes } from '@vzferry/core';
import { MAX_GUEST_FILE_BYTES } from './guest-text';

export interface GuestFiles {
  /** the file's text, or null when it does not exist (or is not a regular file) */
  read(file: string): string | null;
  exists(file: string): boolean;
  /** names in a directory, [] when it does not exist */
  list(dir: string): string[];
}

/** Files from a directory tree standing for the guest's root. */
export function treeFiles(root: string): GuestFiles {
  const at = (p: string) => path.join(root, path.posix.normalize(`/${p}`));
  return {
    read(file) {
      const p = at(file);
      const stat = lstatSync(p, { throwIfNoEntry: false });
      if (!stat?.isFile()) return null;
      if (stat.size > MAX_GUEST_FILE_BYTES) throw tooLarge(file, stat.size);
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    },
    exists: (file) => {
      try {
        lstatSync(at(file));
        return true;
      } catch {
        return false;
      }
    },
    list: (dir) => (existsSync(at(dir)) ? readdirSync(at(dir)).sort() : []),
  };
}

function tooLarge(file: string, bytes: number): AppError {
  return new AppError(
    'guest_file_too_large',
    `${file} in the guest is ${formatBytes(BigInt(bytes))}, more than the ${formatBytes(BigInt(MAX_GUEST_FILE_BYTES))} ` +
      'vzferry reads of one file of a guest; shorten it in the container, then Retry',
  );
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
