import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '@vzferry/core';
import {
  readConfigArgv,
  vzctlArgv,
  vzctlExecArgv,
  vzctlSetOnbootArgv,
  vzlistJsonArgv,
  vzlistTextArgv,
} from './commands';
import { toCtid } from './ctid';

describe('command builders', () => {
  it('build the vzlist and vzctl argv', () => {
    expect(vzlistJsonArgv()).toEqual(['vzlist', '-a', '-j']);
    expect(vzlistTextArgv(['ctid', 'hostname', 'status', 'ip'])).toEqual([
      'vzlist',
      '-a',
      '-H',
      '-o',
      'ctid,hostname,status,ip',
    ]);
    expect(vzctlArgv('status', 101)).toEqual(['vzctl', 'status', '101']);
    expect(vzctlArgv('umount', '102')).toEqual(['vzctl', 'umount', '102']);
    expect(vzctlSetOnbootArgv(101, false)).toEqual(['vzctl', 'set', '101', '--onboot', 'no', '--save']);
    expect(vzctlSetOnbootArgv(101, true)).toEqual(['vzctl', 'set', '101', '--onboot', 'yes', '--save']);
    expect(readConfigArgv(7, '/etc/vz/conf')).toEqual(['cat', '/etc/vz/conf/7.conf']);
    expect(readConfigArgv(7)).toEqual([
      'sh',
      '-c',
      'exec cat -- "${VZFERRY_VZ_CONF_DIR:-/etc/vz/conf}"/"$1".conf',
      'sh',
      '7',
    ]);
  });

  it('reject any ctid that is not a positive integer, with a clear error', () => {
    for (const bad of [
      '101; rm -rf /',
      '0',
      '-1',
      '1e3',
      '101 ',
      '',
      '0101',
      1.5,
      0,
      -3,
      NaN,
      null,
      '$(id)',
      2 ** 31,
    ]) {
      expect(() => vzctlArgv('stop', bad), String(bad)).toThrow(/invalid container id \(CTID\)/);
    }
    expect(toCtid('4294967')).toBe(4294967);
  });

  it('pass the inner command line as ONE argument that bash -c runs as the same argv', () => {
    const inner = ['printf', '%s\\n', '$(touch /tmp/vzferry-pwned)', "it's", '`id`', 'a;b', 'ü ✓', 'two\nlines'];
    const argv = vzctlExecArgv(101, inner);
    expect(argv.slice(0, 3)).toEqual(['vzctl', 'exec', '101']);
    expect(argv).toHaveLength(4);
    // what vzctl does with it inside the container: bash -c "<line>"
    const out = execFileSync('/bin/sh', ['-c', argv[3]!]).toString();
    expect(out).toBe(inner.slice(2).join('\n') + '\n');
    // and what the SSH side does first: the remote shell sees the outer line
    const outer = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellQuote(argv)}`])
      .toString()
      .split('\0')
      .slice(0, -1);
    expect(outer).toEqual(argv);
  });
});
