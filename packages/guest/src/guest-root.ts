// Every host-side touch of a guest's files goes through here. A guest path
// is resolved inside the guest's root the way openat2(2) RESOLVE_IN_ROOT
// does it: one component at a time with lstat/readlink, an absolute link
// target starts again at the guest's root, a relative one at the link's
// own directory, ".." never rises above the root, and more than 40 links
// (Linux's ELOOP limit, path_resolution(7)) is an error. The host path that
// comes out has only real directories above its last component, so the
// kernel follows no guest link when we then open, write, copy or mount it.
//
// Time of check against time of use: the resolution is only as good as the
// tree staying still between the lstat and the use. It does here: the work
// disk is mounted on the converter box only, the guest does not run while
// vzferry works on it (its container is stopped or it is a copy that rsync
// has finished writing), and nothing else writes into the work tree. Code
// that runs the guest's own programs on that tree (the chroot) must not run
// at the same time as this module's work on the same tree.
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';

/** Linux's limit on links followed in one lookup (MAXSYMLINKS, path_resolution(7)). */
export const MAX_GUEST_LINKS = 40;
/**
 * The most bytes read from one guest file the host parses: configuration
 * files are kilobytes; this bounds what a hostile guest can make the worker
 * hold and parse, with room to spare for a real one.
 */
export const GUEST_READ_MAX_BYTES = 4 * 1024 * 1024;

export class GuestPathError extends Error {
  constructor(
    message: string,
    readonly code: 'ELOOP' | 'ENOTDIR' | 'ENOENT' | 'EISDIR' | 'EFBIG',
  ) {
    super(message);
    this.name = 'GuestPathError';
  }
}

/** Where a guest path lands: `host` has only real directories above its last component. */
export interface Resolved {
  host: string;
  /** lstat of `host`, null when nothing is there */
  stat: Stats | null;
}

export interface GuestRoot {
  /** the guest's root on the host (its real path) */
  readonly root: string;
  /** follows a link in the last component too (inside the root) unless `final` is false */
  resolve(guestPath: string, opts?: { final?: boolean }): Resolved;
  /** a regular file's text (links followed inside the root), null when there is none; throws past the cap */
  read(guestPath: string, maxBytes?: number): string | null;
  /** whether something (a dangling link too) is at the path */
  exists(guestPath: string): boolean;
  /** a directory's names, sorted; [] when it is not a directory */
  list(dir: string): string[];
  /** mkdir -p inside the root; returns the host path of the real directory */
  mkdir(guestPath: string, mode?: number): string;
  /** writes a regular file atomically (temp file, rename), replacing a link in the last component, never following it */
  write(guestPath: string, content: string | Buffer, mode: number): void;
  /** removes the file or link at the path (not a directory); nothing there is fine */
  remove(guestPath: string): void;
  /** replaces what is at the path with a link to `target` (the guest's own business: not followed here) */
  link(guestPath: string, target: string): void;
  /**
   * The host path for guestPath's last component, its parent resolved and
   * made inside the root: for tools that create or copy the entry itself.
   */
  entry(guestPath: string): string;
  /** a real directory inside the root to mount on (made if missing), or an error */
  mountPoint(guestPath: string): string;
}

export function guestRoot(root: string): GuestRoot {
  const real = realpathSync(root);
  const resolve: GuestRoot['resolve'] = (guestPath, opts = {}) => resolveIn(real, guestPath, opts.final ?? true);
  const parentOf = (guestPath: string) => {
    const { dir, name } = splitLast(guestPath);
    return { dir: mkdirIn(real, dir, 0o755), name };
  };
  return {
    root: real,
    resolve,
    read: (guestPath, maxBytes = GUEST_READ_MAX_BYTES) => readCapped(resolve(guestPath), guestPath, maxBytes),
    exists: (guestPath) => resolveOrNull(() => resolve(guestPath, { final: false }))?.stat != null,
    list: (dir) => {
      const r = resolveOrNull(() => resolve(dir));
      return r?.stat?.isDirectory() ? readdirSync(r.host).sort() : [];
    },
    mkdir: (guestPath, mode = 0o755) => mkdirIn(real, guestPath, mode),
    write: (guestPath, content, mode) => {
      const { dir, name } = parentOf(guestPath);
      atomicWrite(dir, name, content, mode, guestPath);
    },
    remove: (guestPath) => {
      const r = resolveOrNull(() => resolve(guestPath, { final: false }));
      if (!r?.stat) return;
      if (r.stat.isDirectory()) throw new GuestPathError(`${guestPath} in the guest is a directory`, 'EISDIR');
      unlinkSync(r.host);
    },
    link: (guestPath, target) => {
      const { dir, name } = parentOf(guestPath);
      const tmp = path.join(dir, `.${name}.vzferry-${process.pid}`);
      rmSync(tmp, { force: true });
      symlinkSync(target, tmp);
      replace(tmp, path.join(dir, name), guestPath);
    },
    entry: (guestPath) => {
      const { dir, name } = parentOf(guestPath);
      return path.join(dir, name);
    },
    mountPoint: (guestPath) => mkdirIn(real, guestPath, 0o755),
  };
}

/** The walk itself: components left to do on a stack, the real directories done so far in `done`. */
function resolveIn(root: string, guestPath: string, final: boolean): Resolved {
  const todo = components(guestPath).reverse();
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (name === '..') {
      done.pop(); // at the root, ".." stays there
      continue;
    }
    const host = path.join(root, ...done, name);
    const st = lstatOrNull(host);
    const last = todo.length === 0;
    if (!st) return missing(root, done, name, todo, guestPath);
    if (st.isSymbolicLink() && (!last || final)) {
      if (++links > MAX_GUEST_LINKS)
        throw new GuestPathError(`${guestPath} in the guest: more than ${MAX_GUEST_LINKS} links (a loop)`, 'ELOOP');
      const target = readlinkSync(host);
      if (target.startsWith('/')) done.length = 0;
      todo.push(...components(target).reverse());
      continue;
    }
    if (last) return { host, stat: st };
    if (!st.isDirectory()) throw new GuestPathError(`${guestPath} in the guest: ${name} is not a directory`, 'ENOTDIR');
    done.push(name);
  }
  const host = path.join(root, ...done);
  return { host, stat: lstatSync(host) };
}

/** Nothing at `name`: what follows must be plain names (a ".." past a missing directory has nothing to climb). */
function missing(root: string, done: string[], name: string, todo: string[], guestPath: string): Resolved {
  if (todo.includes('..'))
    throw new GuestPathError(`${guestPath} in the guest: ${name} does not exist (before a "..")`, 'ENOENT');
  return { host: path.join(root, ...done, name, ...todo.reverse()), stat: null };
}

/** mkdir -p one component at a time, each resolved inside the root. */
function mkdirIn(root: string, guestPath: string, mode: number): string {
  let at = '/';
  for (const name of components(guestPath)) {
    at = path.posix.join(at, name);
    const r = resolveIn(root, at, true);
    // a dangling link may name several missing directories: all of them new, under real ones
    if (!r.stat) mkdirSync(r.host, { mode, recursive: true });
    else if (!r.stat.isDirectory())
      throw new GuestPathError(`${at} in the guest is not a directory (on the way to ${guestPath})`, 'ENOTDIR');
    at = `/${path.relative(root, r.host)}`;
  }
  return resolveIn(root, at, true).host;
}

function readCapped(r: Resolved, guestPath: string, maxBytes: number): string | null {
  if (!r.stat?.isFile()) return null;
  // O_NOFOLLOW|O_NONBLOCK: not a link, and a FIFO put there since the lstat does not block us
  const fd = openSync(r.host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    if (st.size > maxBytes) throw tooLarge(guestPath, st.size, maxBytes);
    // read to the end, not to st.size: a file that grows since the fstat still stops at the cap
    const chunks: Buffer[] = [];
    let n = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) return Buffer.concat(chunks, n).toString('utf8');
      chunks.push(chunk.subarray(0, got));
      n += got;
      if (n > maxBytes) throw tooLarge(guestPath, n, maxBytes);
    }
  } finally {
    closeSync(fd);
  }
}

function tooLarge(guestPath: string, size: number, max: number): GuestPathError {
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return new GuestPathError(
    `${guestPath} in the guest is ${mib(size)} or more; vzferry reads guest files of up to ${mib(max)}`,
    'EFBIG',
  );
}

function atomicWrite(dir: string, name: string, content: string | Buffer, mode: number, guestPath: string): void {
  const tmp = path.join(dir, `.${name}.vzferry-${process.pid}`);
  rmSync(tmp, { force: true });
  writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, mode); // the exact mode, whatever the umask
  replace(tmp, path.join(dir, name), guestPath);
}

/** rename(2) over a link replaces the link itself; over a directory it must not happen. */
function replace(tmp: string, dest: string, guestPath: string): void {
  if (lstatOrNull(dest)?.isDirectory()) {
    rmSync(tmp, { force: true });
    throw new GuestPathError(`${guestPath} in the guest is a directory`, 'EISDIR');
  }
  renameSync(tmp, dest);
}

function splitLast(guestPath: string): { dir: string; name: string } {
  const parts = components(guestPath);
  const name = parts.pop();
  if (!name || name === '..') throw new GuestPathError(`${guestPath} does not name a file in the guest`, 'EISDIR');
  return { dir: `/${parts.join('/')}`, name };
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function resolveOrNull(f: () => Resolved): Resolved | null {
  try {
    return f();
  } catch (err) {
    if (err instanceof GuestPathError && err.code !== 'EFBIG') return null;
    throw err;
  }
}
