import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandLineForLog, shellQuote, shellQuoteWord } from './shell-quote';

const HOSTILE = [
  'ct101; rm -rf /',
  '$(touch /tmp/pwned)',
  '`id`',
  "it's",
  'a\nb',
  '"double"',
  '*',
  '~root',
  '-n',
  '',
  'ümlaut ✓',
  "'; echo hi; '",
  '\\',
  '$HOME',
];

describe('shellQuote', () => {
  it('leaves plain words readable', () => {
    expect(shellQuote(['vzctl', 'status', '101'])).toBe('vzctl status 101');
    expect(shellQuoteWord('/vz/root/101/')).toBe('/vz/root/101/');
  });

  it('makes the shell see every hostile word as exactly one literal argument', () => {
    const line = shellQuote(['printf', '%s\\0', ...HOSTILE]);
    const out = execFileSync('/bin/sh', ['-c', line]).toString('utf8');
    expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });

  it('refuses NUL bytes and empty commands', () => {
    expect(() => shellQuoteWord('a\0b')).toThrow(/NUL/);
    expect(() => shellQuote([])).toThrow(/empty/);
  });
});

describe('commandLineForLog', () => {
  it('shows a script given to sh -c as one quoted word, not words joined by spaces or commas', () => {
    expect(commandLineForLog(['vzctl', 'exec', '101', 'sh', '-c', "echo 'a b' | debconf-set-selections"])).toBe(
      `vzctl exec 101 sh -c 'echo '\\''a b'\\'' | debconf-set-selections'`,
    );
  });

  it('shows a NUL byte escaped instead of throwing', () => {
    expect(commandLineForLog(['printf', 'a\0b'])).toBe('printf "a\\u0000b"');
  });
});
