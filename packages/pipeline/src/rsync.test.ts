import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSync, judgeRsyncExit, parseRsyncProgress, parseRsyncStats, rsyncArgv } from './rsync';

const source = {
  remoteShell: "ssh -p 2201 -o 'UserKnownHostsFile=/tmp/k h'",
  user: 'root',
  host: '127.0.0.1',
  path: '/vz/root/101',
};

describe('rsyncArgv', () => {
  it('copies everything rsync can keep, excludes virtual file systems, and limits bandwidth', () => {
    const argv = rsyncArgv({ source, dest: '/mnt/run1', delete: false, bandwidthLimitKbps: 50000 });
    expect(argv.slice(0, 3)).toEqual(['rsync', '-aHAXS', '--numeric-ids']);
    expect(argv).toContain('--bwlimit=50000');
    expect(argv).toContain('--exclude=/proc/*');
    expect(argv).not.toContain('--delete');
    expect(argv.at(-2)).toBe('root@127.0.0.1:/vz/root/101/');
    expect(argv.at(-1)).toBe('/mnt/run1/');
    expect(argv[argv.indexOf('-e') + 1]).toBe("ssh -p 2201 -o 'UserKnownHostsFile=/tmp/k h'");
  });

  it('makes the final copy exact with --delete', () => {
    expect(rsyncArgv({ source, dest: '/mnt/x', delete: true })).toEqual(
      expect.arrayContaining(['--delete', '--delete-excluded']),
    );
  });

  it('leaves protected files on the work disk alone: not sent, not overwritten, not deleted (real rsync)', () => {
    const argv = rsyncArgv({ source, dest: '/d', delete: true, protect: ['/boot/initrd.img-*'] });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rsync-protect-'));
    try {
      for (const [f, text] of [
        ['src/boot/initrd.img-6.1', "the source container's"],
        ['src/boot/vmlinuz-6.1', 'kernel'],
        ['dst/boot/initrd.img-6.1', 'ours'],
        ['dst/boot/initrd.img-5.10', 'ours, old'],
        ['dst/gone', 'x'],
      ]) {
        mkdirSync(path.dirname(path.join(dir, f!)), { recursive: true });
        writeFileSync(path.join(dir, f!), text!);
      }
      // the same filter and delete options, from a local source
      const options = argv.filter(
        (a) => a.startsWith('--filter=') || a.startsWith('--delete') || a.startsWith('--exclude='),
      );
      execFileSync('rsync', ['-a', ...options, `${dir}/src/`, `${dir}/dst/`]);
      const read = (f: string) => readFileSync(path.join(dir, 'dst', f), 'utf8');
      expect(read('boot/initrd.img-6.1')).toBe('ours');
      expect(read('boot/initrd.img-5.10')).toBe('ours, old');
      expect(read('boot/vmlinuz-6.1')).toBe('kernel');
      expect(() => read('gone')).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('brackets IPv6 hosts', () => {
    expect(rsyncArgv({ source: { ...source, host: '2001:db8::5' }, dest: '/d', delete: false }).at(-2)).toBe(
      'root@[2001:db8::5]:/vz/root/101/',
    );
  });
});

describe('rsync output', () => {
  it('reads progress2 lines', () => {
    expect(parseRsyncProgress('        494,210   0%  440.07MB/s    0:00:00 (xfr#2, to-chk=299/304)')).toEqual({
      bytes: 494210n,
      percent: 0,
      rate: '440.07MB/s',
      transferred: 2,
      toCheck: 299,
      total: 304,
    });
    expect(parseRsyncProgress('         32,768   0%    0.00kB/s    0:00:00  ')).toMatchObject({
      bytes: 32768n,
      total: null,
    });
    expect(parseRsyncProgress('sending incremental file list')).toBeNull();
  });

  it('reads the stats2 summary of a real rsync run', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rsync-stats-'));
    try {
      mkdirSync(path.join(dir, 'src/sub'), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, `src/sub/f${i}`), 'x'.repeat(1000 + i));
      const out = execFileSync('rsync', ['-a', '--info=progress2,stats2', `${dir}/src/`, `${dir}/dst/`]).toString();
      expect(parseRsyncStats(out)).toEqual({
        files: 7,
        regularFilesTransferred: 5,
        deletedFiles: 0,
        totalFileSize: 5010n,
        transferredFileSize: 5010n,
      });
      expect(readFileSync(path.join(dir, 'dst/sub/f4'), 'utf8')).toHaveLength(1004);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats vanished files as success and network trouble as retryable', () => {
    expect(judgeRsyncExit(24).ok).toBe(true);
    expect(judgeRsyncExit(255)).toMatchObject({ ok: false, retryable: true });
    expect(judgeRsyncExit(11)).toMatchObject({ ok: false, retryable: false });
  });
});

describe('describeSync', () => {
  const stats = {
    files: 105,
    regularFilesTransferred: 36,
    deletedFiles: 17,
    totalFileSize: 69_099_513n,
    transferredFileSize: 664n,
  };

  it('says what a pass copied in bytes a person reads', () => {
    expect(describeSync('initial', { ...stats, transferredFileSize: 69_099_193n }, false)).toBe(
      'initial sync copied 65.9 MiB of 65.9 MiB (105 files)',
    );
    expect(describeSync('final', stats, false)).toBe('final sync copied 664 B of 65.9 MiB (105 files, 17 deleted)');
  });

  it('says when files vanished, and that it is done without statistics', () => {
    expect(describeSync('initial', null, true)).toBe('initial sync done; some files vanished while copying');
  });
});
