// The resolver of guest paths (src/guest-root.ts) against trees whose links
// lead out of the guest: absolute links, relative links that climb past the
// root, ".." in paths and in links, loops, nested links, links in the middle
// of a path, dangling links. Every link out aims at a canary directory next
// to the guest root, made per test; the canary must never change or be read.
// The expected results are what openat2(2) RESOLVE_IN_ROOT and
// path_resolution(7) say the kernel does with the same tree chrooted at the
// guest root; they are written out by hand below.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guestRoot, GuestPathError, MAX_GUEST_LINKS } from '../src/guest-root';
import { treeFiles } from '../src/guest-files';
import { snapshotTree } from './support/tree-snapshot';

let tmp: string;
let root: string;
let canary: string;

/** a host path under the guest root (its real path) */
const at = (...p: string[]) => path.join(guestRoot(root).root, ...p);

type Entry = string | { link: string } | { dir: true };

/** Makes entries under `base`: a string is a file's content. */
function make(base: string, entries: Record<string, Entry>): void {
  for (const [rel, e] of Object.entries(entries)) {
    const p = path.join(base, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    if (typeof e === 'string') writeFileSync(p, e);
    else if ('link' in e) symlinkSync(e.link, p);
    else mkdirSync(p, { recursive: true });
  }
}

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'guest-root-'));
  root = path.join(tmp, 'guest');
  canary = path.join(tmp, 'canary');
  make(canary, {
    'os-release': 'ID=canary\nVERSION_ID="1"\n',
    interfaces: 'canary interfaces\n',
    'rc3.d/S99canary': 'canary\n',
  });
  mkdirSync(root);
});

afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('treeFiles: reading a guest whose links lead out', () => {
  it('re-roots an absolute link in the middle of a path at the guest root', () => {
    make(root, {
      etc: { link: canary },
      // where the same link leads when the guest's root is "/"
      [`${canary}/os-release`]: 'ID=debian\nVERSION_ID="12"\n',
    });
    expect(treeFiles(root).read('/etc/os-release')).toBe('ID=debian\nVERSION_ID="12"\n');
  });

  it('keeps a relative link that climbs past the root inside the guest', () => {
    make(root, { etc: { dir: true }, 'etc/network': { link: '../../../../../../../../..' + canary } });
    expect(treeFiles(root).read('/etc/network/interfaces')).toBeNull();
    expect(treeFiles(root).list('/etc/network')).toEqual([]);
    expect(treeFiles(root).exists('/etc/network/interfaces')).toBe(false);
  });

  it('lists a linked directory inside the guest, not on the host', () => {
    make(root, {
      'etc/rc3.d': { link: canary + '/rc3.d' },
      [`${canary}/rc3.d/S10guest`]: 'guest\n',
    });
    expect(treeFiles(root).list('/etc/rc3.d')).toEqual(['S10guest']);
  });

  it('follows a link in the last component, inside the guest (usr-merged os-release)', () => {
    make(root, {
      'etc/os-release': { link: '../usr/lib/os-release' },
      'usr/lib/os-release': 'ID=debian\nVERSION_ID="12"\n',
    });
    expect(treeFiles(root).read('/etc/os-release')).toBe('ID=debian\nVERSION_ID="12"\n');
  });

  it('says a loop of links is one, with the path', () => {
    make(root, { etc: { link: 'loop-a' }, 'loop-a': { link: 'loop-b' }, 'loop-b': { link: '/etc' } });
    expect(() => treeFiles(root).read('/etc/os-release')).toThrow(/\/etc\/os-release.*more than 40 links/);
  });

  it('refuses a file over the size cap with its name and size', () => {
    make(root, { 'etc/inittab': 'x'.repeat(5 * 1024 * 1024) });
    expect(() => treeFiles(root).read('/etc/inittab')).toThrow(/\/etc\/inittab in the guest is 5\.0 MiB/);
  });
});

describe('guestRoot: resolving', () => {
  it('resolves ".." in the path against the real parent, never above the root', () => {
    make(root, { 'a/b': { dir: true }, 'x/y': { link: '/a/b' }, 'a/file': 'a' });
    const g = guestRoot(root);
    expect(g.resolve('/../../../a/file').host).toBe(at('a/file'));
    // x/y is /a/b, so x/y/.. is /a, as the kernel has it (not x, as path.normalize would)
    expect(g.resolve('/x/y/../file').host).toBe(at('a/file'));
  });

  it('resolves nested links, absolute and relative, each from where it stands', () => {
    make(root, {
      'srv/data': { dir: true },
      'srv/data/f': 'data',
      l1: { link: 'l2/../srv' },
      l2: { link: '/var/../' },
      var: { dir: true },
      'srv/up': { link: '../../../../srv/data' },
    });
    const g = guestRoot(root);
    expect(g.resolve('/l1/data/f').host).toBe(at('srv/data/f'));
    expect(g.resolve('/srv/up/f').host).toBe(at('srv/data/f'));
  });

  it(`stops after ${MAX_GUEST_LINKS} links: a self link, a two-link loop, a long chain`, () => {
    const chain: Record<string, Entry> = { self: { link: 'self' }, a: { link: 'b/x' }, b: { link: 'a' } };
    for (let i = 0; i < MAX_GUEST_LINKS + 1; i++) chain[`c${i}`] = { link: `c${i + 1}` };
    chain[`c${MAX_GUEST_LINKS + 1}`] = 'end';
    make(root, chain);
    const g = guestRoot(root);
    for (const p of ['/self', '/a', `/c0`]) {
      expect(() => g.resolve(p)).toThrow(GuestPathError);
      expect(() => g.resolve(p)).toThrow(/a loop/);
    }
    // exactly 40 links is fine, like Linux
    expect(g.read('/c1')).toBe('end');
  });

  it('names a dangling link where its target would be, inside the root', () => {
    make(root, { 'etc/gone': { link: '/nowhere/at/all' } });
    const r = guestRoot(root).resolve('/etc/gone');
    expect(r).toEqual({ host: at('nowhere/at/all'), stat: null });
    expect(guestRoot(root).exists('/etc/gone')).toBe(true);
    expect(guestRoot(root).read('/etc/gone')).toBeNull();
  });

  it('does not follow the last link when asked not to', () => {
    make(root, { 'etc/mtab': { link: '/proc/self/mounts' } });
    const r = guestRoot(root).resolve('/etc/mtab', { final: false });
    expect(r.host).toBe(at('etc/mtab'));
    expect(r.stat?.isSymbolicLink()).toBe(true);
  });

  it('refuses a path through a file', () => {
    make(root, { 'etc/hostname': 'h' });
    expect(() => guestRoot(root).resolve('/etc/hostname/x')).toThrow(/hostname is not a directory/);
  });
});

describe('guestRoot: changing files', () => {
  let before: Record<string, string>;
  beforeEach(() => {
    before = snapshotTree(canary);
  });
  afterEach(() => {
    expect(snapshotTree(canary)).toEqual(before);
  });

  it('writes through a linked directory inside the guest, and replaces a final link instead of following it', () => {
    make(root, {
      'etc/network': { link: canary },
      'etc/default/grub': { link: `${canary}/grub` },
      'etc/rc.local': { link: '../../../../../../..' + canary + '/rc.local' },
    });
    const g = guestRoot(root);
    g.write('/etc/network/interfaces', 'auto eth0\n', 0o644);
    g.write('/etc/default/grub', 'GRUB_TIMEOUT=1\n', 0o644);
    g.write('/etc/rc.local', '#!/bin/sh\n', 0o755);
    expect(readFileSync(at(canary, 'interfaces'), 'utf8')).toBe('auto eth0\n');
    expect(lstatSync(at('etc/default/grub')).isFile()).toBe(true);
    expect(statSync(at('etc/rc.local')).mode & 0o777).toBe(0o755);
    expect(readdirSync(at('etc/default'))).toEqual(['grub']); // no temp file left
  });

  it('makes directories inside the guest along links, and a mount point that is a real directory', () => {
    make(root, {
      proc: { link: canary },
      run: { link: 'etc/hostname' },
      'etc/hostname': 'h\n',
      sys: { link: '/sys2' },
    });
    const g = guestRoot(root);
    expect(g.mountPoint('/proc')).toBe(at(canary));
    expect(lstatSync(at(canary)).isDirectory()).toBe(true);
    expect(g.mountPoint('/sys')).toBe(at('sys2'));
    expect(() => g.mountPoint('/run')).toThrow(/not a directory/);
  });

  it('removes a link, not what it points at, and nothing through a linked directory', () => {
    make(root, { 'etc/init.d': { link: canary }, 'etc/vzquota': { link: `${canary}/interfaces` } });
    const g = guestRoot(root);
    g.remove('/etc/init.d/interfaces');
    g.remove('/etc/vzquota');
    expect(existsIn(root, 'etc/vzquota')).toBe(false);
  });

  it('replaces a link with a link', () => {
    make(root, { 'etc/mtab': { link: `${canary}/interfaces` } });
    guestRoot(root).link('/etc/mtab', '../proc/self/mounts');
    expect(readlinkSync(at('etc/mtab'))).toBe('../proc/self/mounts');
  });

  it('will not write over a directory', () => {
    make(root, { 'etc/fstab': { dir: true } });
    expect(() => guestRoot(root).write('/etc/fstab', 'x', 0o644)).toThrow(/is a directory/);
  });
});

function existsIn(base: string, rel: string): boolean {
  try {
    lstatSync(path.join(base, rel));
    return true;
  } catch {
    return false;
  }
}
