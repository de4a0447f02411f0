// What a hostile guest's files cost the host: a file over
// MAX_GUEST_FILE_BYTES is refused with a clear error, and what is read is
// parsed in time linear in its length. The old inittab regexes
// (/^[^#].*getty.*\btty1\b/) took time quadratic in a line without a match:
// 53 s for 600 KB of "getty " on this machine, about 10 minutes for 2 MB.
// Here the 2 MB line must come back within the test's time-out (5 s); the
// scans take milliseconds, and a regression hangs the test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@vzferry/core';
import {
  detectOs,
  hasWord,
  mapFiles,
  MAX_GUEST_FILE_BYTES,
  treeFiles,
  withoutTrailingNewlines,
  type DetectedOs,
} from '../src/index';
import { consoleChanges } from '../src/plan/consoles';

const MB2 = 2 * 1024 * 1024;
const centos5 = detectOs(mapFiles({ '/etc/redhat-release': 'CentOS release 5.11 (Final)\n' }));

function inittabOf(os: DetectedOs, inittab: string): string {
  return consoleChanges(os, mapFiles({ '/etc/inittab': inittab })).write.find((w) => w.path === '/etc/inittab')!
    .content;
}

describe('the inittab rewrite on hostile input', () => {
  it('keeps a 2 MB single line and adds the gettys, in linear time', () => {
    const line = `1:2345:respawn:${'getty '.repeat(Math.ceil(MB2 / 6))}`;
    const out = inittabOf(centos5, line);
    expect(out).toBe(
      `${line}\n1:2345:respawn:/sbin/mingetty tty1\n# serial console (vzferry)\nS0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100\n`,
    );
  });

  it('trims 2 MB of trailing newlines in linear time (/\\n*$/ was quadratic)', () => {
    const text = `${'\n'.repeat(MB2)}id:3:initdefault:\n${'\n'.repeat(MB2)}`;
    expect(inittabOf(centos5, text).startsWith(`${'\n'.repeat(MB2)}id:3:initdefault:\n1:2345`)).toBe(true);
    const securetty = consoleChanges(centos5, mapFiles({ '/etc/securetty': `${'\n'.repeat(MB2)}x` })).write[0]!;
    expect(securetty.content.endsWith('x\nttyS0\n')).toBe(true);
  });

  // the old regexes, as the oracle on short lines: the scans decide the same
  const OLD = {
    commented: /^#\s*1:\d+:respawn:.*getty.*tty1\b/,
    tty1: /^[^#].*getty.*\btty1\b/,
    ttyS0: /^[^#].*getty.*\bttyS0\b/,
  };
  const LINES = [
    '#1:2345:respawn:/sbin/mingetty tty1',
    '# 1:2345:respawn:/sbin/mingetty tty1',
    '#\t1:2:respawn:/sbin/getty 38400 tty1',
    '#1:2345:respawn:/sbin/mingetty tty10',
    '#1:2345:respawn:/sbin/mingetty xtty1',
    '#1:2345:respawn:/sbin/mingetty tty2',
    '#2:2345:respawn:/sbin/mingetty tty1',
    '#1:2345:once:/sbin/mingetty tty1',
    '#1::respawn:/sbin/mingetty tty1',
    '#1:2345:respawn:tty1 /sbin/mingetty',
    '#1:2345:respawn:/sbin/mingettytty1',
    '1:2345:respawn:/sbin/mingetty tty1',
    '1:2345:respawn:/sbin/getty 38400 /dev/tty1',
    '1:2345:respawn:/sbin/getty 38400 tty1x',
    '1:2345:respawn:/sbin/gettytty1',
    'getty tty1',
    'xgetty tty1',
    'S0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100',
    'S0:2345:respawn:/sbin/agetty -L 115200 ttyS01 vt100',
    '#S0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100',
    'ttyS0 getty',
    '',
  ];

  it.each(LINES)('decides %j as the old regexes did', (line) => {
    const lines = [OLD.commented.test(line) ? line.replace(/^#\s*/, '') : line, '# end'];
    if (!lines.some((l) => OLD.tty1.test(l))) lines.push('1:2345:respawn:/sbin/mingetty tty1');
    if (!lines.some((l) => OLD.ttyS0.test(l)))
      lines.push('# serial console (vzferry)', 'S0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100');
    expect(inittabOf(centos5, `id:3:initdefault:\n${line}\n# end\n`)).toBe(`id:3:initdefault:\n${lines.join('\n')}\n`);
  });
});

describe('guest-text scans', () => {
  it('finds a word at word boundaries only', () => {
    expect(hasWord('getty tty1', 'tty1', 0, true)).toBe(true);
    expect(hasWord('getty tty10 tty1', 'tty1', 0, true)).toBe(true);
    expect(hasWord('getty tty10', 'tty1', 0, true)).toBe(false);
    expect(hasWord('xtty1', 'tty1', 0, true)).toBe(false);
    expect(hasWord('xtty1', 'tty1', 0, false)).toBe(true);
    expect(hasWord('tty1 getty', 'tty1', 5, true)).toBe(false);
  });

  it('drops only the trailing newlines', () => {
    expect(withoutTrailingNewlines('\na\n\nb\n\n\n')).toBe('\na\n\nb');
    expect(withoutTrailingNewlines('\n\n')).toBe('');
  });
});

describe('reading a guest file over the cap', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses it with a clear error, and reads one of exactly the cap', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-guest-'));
    mkdirSync(path.join(dir, 'etc'));
    writeFileSync(path.join(dir, 'etc/inittab'), `1:2345:respawn:${'x'.repeat(MB2)}`);
    writeFileSync(path.join(dir, 'etc/securetty'), 'x'.repeat(MAX_GUEST_FILE_BYTES));
    const files = treeFiles(dir);
    const err = (() => {
      try {
        files.read('/etc/inittab');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'guest_file_too_large',
      message:
        '/etc/inittab in the guest is 2 MiB, more than the 1 MiB vzferry reads of one file of a guest; shorten it in the container, then Retry',
    });
    expect(files.read('/etc/securetty')).toHaveLength(MAX_GUEST_FILE_BYTES);
  });
});
