import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticGuest } from './guest-tree';
import { CANARY_FILES, HOSTILE_REPORT_DIR, hostileLinks, makeGuestHostile, makeHostileCanary } from './hostile';
import { hostilePlan } from './plan';

let dir: string;
let root: string;
let canary: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lab-hostile-'));
  root = path.join(dir, 'guest');
  canary = path.join(dir, 'canary');
  makeHostileCanary(canary);
  writeSyntheticGuest(root, hostilePlan(), '/bin/busybox');
  makeGuestHostile(root, '/bin/busybox', canary);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the hostile container', () => {
  it('has a link out of the guest, into the canary, on every path the conversion touches', () => {
    const links = hostileLinks(canary);
    expect(Object.keys(links).sort()).toEqual(
      [
        'dev',
        'etc/default/grub',
        'etc/network',
        'etc/rc.local',
        'proc',
        'root/vzferry-backup',
        'root/vzferry-boot',
        'run',
        'sys',
      ].sort(),
    );
    for (const [rel, target] of Object.entries(links)) {
      expect(readlinkSync(path.join(root, rel))).toBe(target);
      // followed on this machine, each lands in the canary (what a converter that follows guest links would touch)
      expect(path.resolve(path.dirname(path.join('/', rel)), target)).toMatch(new RegExp(`^${canary}/`));
    }
    // inside the container the links lead to the guest's own files
    expect(readFileSync(path.join(root, canary, 'network/interfaces'), 'utf8')).toContain('venet0');
  });

  it('has a 2 MiB single-line inittab, a setuid binary, device nodes and hooks that report into the guest', () => {
    const inittab = readFileSync(path.join(root, 'etc/inittab'), 'utf8');
    expect(inittab.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(inittab.includes('\n')).toBe(false);
    expect(statSync(path.join(root, 'usr/local/bin/suid-busybox')).mode & 0o4000).toBe(0o4000);
    expect(lstatSync(path.join(root, 'var/lib/hostile/dev/mem')).isCharacterDevice()).toBe(true);
    expect(lstatSync(path.join(root, 'var/lib/hostile/dev/sda')).isBlockDevice()).toBe(true);
    for (const hook of [
      'etc/kernel/postinst.d/zz-vzferry-hostile',
      'etc/initramfs-tools/hooks/vzferry-hostile',
      'etc/grub.d/09_vzferry_hostile',
    ])
      expect(statSync(path.join(root, hook)).mode & 0o111).toBe(0o111);
    expect(readFileSync(path.join(root, 'usr/local/lib/vzferry-hostile/escape.sh'), 'utf8')).toContain(
      `out=${HOSTILE_REPORT_DIR}`,
    );
  });

  it('leaves an existing canary byte for byte when made again', () => {
    writeFileSync(path.join(canary, 'rc.local'), 'changed by the test\n');
    makeHostileCanary(canary);
    expect(readFileSync(path.join(canary, 'rc.local'), 'utf8')).toBe('changed by the test\n');
    expect(readFileSync(path.join(canary, 'README'), 'utf8')).toBe(CANARY_FILES.README);
  });
});
