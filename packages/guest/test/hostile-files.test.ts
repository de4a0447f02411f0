// What a hostile guest's files cost the host to parse: linear time. /\n*$/
// took time quadratic in a run of newlines that does not end the text (0.9 s
// for 40,000 on this machine, hours for the few MiB the resolver lets through);
// a 2 MiB run must come back within the test's time-out (5 s), the scans take
// well under a second. And the inittab scans (consoles.ts) decide every line
// as the regexes they replaced did (hostile-inittab.test.ts: the 2 MiB line).
import { describe, expect, it } from 'vitest';
import { detectOs, mapFiles, withoutTrailingNewlines, type DetectedOs } from '../src/index';
import { consoleChanges } from '../src/plan/consoles';

const MB2 = 2 * 1024 * 1024;
const centos5 = detectOs(mapFiles({ '/etc/redhat-release': 'CentOS release 5.11 (Final)\n' }));

function inittabOf(os: DetectedOs, inittab: string): string {
  return consoleChanges(os, mapFiles({ '/etc/inittab': inittab })).write.find((w) => w.path === '/etc/inittab')!
    .content;
}

describe('the console files of a hostile guest', () => {
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

describe('withoutTrailingNewlines', () => {
  it('drops only the trailing newlines', () => {
    expect(withoutTrailingNewlines('\na\n\nb\n\n\n')).toBe('\na\n\nb');
    expect(withoutTrailingNewlines('\n\n')).toBe('');
  });
});
