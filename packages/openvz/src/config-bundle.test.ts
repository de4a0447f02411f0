import { describe, expect, it } from 'vitest';
import { newBoundary, parseConfigBundle, readAllConfigsCommand } from './config-bundle';

const B = '--vzferry-00112233445566778899aabb--';
const frame = (id: string, body: string) => `\n${B} BEGIN ${id}\n${body}\n${B} END ${id}\n`;

describe('config bundle framing', () => {
  it('builds one sh -c command with a fresh boundary each time', () => {
    const a = readAllConfigsCommand();
    expect(a.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(a.argv[2]).toContain(a.boundary);
    expect(readAllConfigsCommand().boundary).not.toBe(a.boundary);
    expect(newBoundary()).toMatch(/^--vzferry-[0-9a-f]{24}--$/);
    expect(() => readAllConfigsCommand("'; rm -rf / #")).toThrow(/boundary/);
  });

  it('returns each file exactly, whatever it holds', () => {
    const tricky = `HOSTNAME="x"\n--vzferry-fake-- END 101\n\n\nDESCRIPTION="no final newline"`;
    const out = frame('101', tricky) + frame('102', '') + frame('7', 'A="1"\n') + `${B} DONE\n`;
    const map = parseConfigBundle(out, B);
    expect([...map.keys()]).toEqual([101, 102, 7]);
    expect(map.get(101)).toBe(tricky);
    expect(map.get(102)).toBe('');
    expect(map.get(7)).toBe('A="1"\n');
  });

  it('reads an empty host', () => {
    expect(parseConfigBundle(`${B} DONE\n`, B).size).toBe(0);
  });

  it('refuses a stream cut short, garbled, duplicated or with an unreadable file', () => {
    const ok = frame('101', 'A=1') + `${B} DONE\n`;
    expect(() => parseConfigBundle(ok.slice(0, -10), B)).toThrow(/cut short/);
    expect(() => parseConfigBundle('[... 5 bytes of earlier output not kept ...]\n' + ok.slice(20), B)).toThrow(
      /BEGIN line/,
    );
    expect(() => parseConfigBundle(frame('101', 'A') + frame('101', 'B') + `${B} DONE\n`, B)).toThrow(/twice/);
    expect(() => parseConfigBundle(`\n${B} BEGIN 101\nA=1\n${B} DONE\n`, B)).toThrow(/no END line/);
    expect(() => parseConfigBundle(frame('101', `part\n${B} UNREADABLE 101`) + `${B} DONE\n`, B)).toThrow(
      /could not be read/,
    );
    expect(() => parseConfigBundle(frame('abc', 'A') + `${B} DONE\n`, B)).toThrow(/CTID/);
  });
});
