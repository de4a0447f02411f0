import { describe, expect, it } from 'vitest';
import { readSample } from './testing/samples';
import { parseVzlistJson, UNLIMITED, UBC_NAMES } from './vzlist-json';

const sample = () => readSample('openvz/vzlist-a-j.jsonc');

describe('parseVzlistJson', () => {
  it('reads both containers of the reference sample with their status, IPs and layout', () => {
    const list = parseVzlistJson(sample());
    expect(list.map((c) => [c.ctid, c.status, c.layout, c.ip])).toEqual([
      [101, 'running', 'ploop', ['10.0.0.101']],
      [102, 'stopped', 'simfs', ['10.0.0.102', '2001:db8::102']],
    ]);
    expect(list[0]!.hostname).toBe('ct101.example.com');
    expect(list[0]!.name).toBeNull();
    expect(list[0]!.nameserver).toEqual(['8.8.8.8']);
    expect(list[1]!.onboot).toBeNull();
    expect(list[0]!.onboot).toBe(true);
    expect(list[1]!.laverage).toBeNull();
    expect(list[0]!.laverage).toEqual([0.02, 0.05, 0.01]);
  });

  it('keeps 1 KiB disk blocks and inode counts exactly', () => {
    const [ct101, ct102] = parseVzlistJson(sample());
    expect(ct101!.diskspace).toEqual({ usage: 1234567n, softlimit: 10319160n, hardlimit: 10319160n });
    expect(ct102!.diskinodes).toEqual({ usage: 0n, softlimit: 131072n, hardlimit: 144179n });
  });

  it('turns LONG_MAX into unlimited instead of the rounded 9223372036854775808', () => {
    const [ct101, ct102] = parseVzlistJson(sample());
    expect(ct101!.kmemsize).toMatchObject({ held: 9510912n, barrier: UNLIMITED, limit: UNLIMITED });
    expect(ct101!.physpages).toEqual({ held: 52418n, maxheld: 131072n, barrier: 0n, limit: 262144n, failcnt: 0n });
    expect(ct102!.physpages!.limit).toBe(UNLIMITED);
    for (const name of UBC_NAMES) expect(ct101![name], name).toBeTruthy();
  });

  it('keeps integers beyond 2^53 that are not LONG_MAX exactly, as bigint', () => {
    const text = sample().replace('"held": 9510912', '"held": 9007199254740993');
    expect(parseVzlistJson(text)[0]!.kmemsize!.held).toBe(9007199254740993n);
  });

  it('reads the [] vzlist prints for a host without containers', () => {
    expect(parseVzlistJson('[]\n')).toEqual([]);
  });

  it('refuses an unknown status, naming the container and the field', () => {
    const text = sample().replace('"status": "stopped"', '"status": "paused"');
    expect(() => parseVzlistJson(text)).toThrow(/\[1\] \(CT 102\)\.status/);
  });

  it('refuses a missing required field', () => {
    const text = sample().replace('"ip": ["10.0.0.101"],', '');
    expect(() => parseVzlistJson(text)).toThrow(/\[0\] \(CT 101\)\.ip/);
  });

  it('refuses a negative or fractional counter', () => {
    expect(() => parseVzlistJson(sample().replace('"usage": 1234567', '"usage": -5'))).toThrow(/diskspace\.usage/);
    expect(() => parseVzlistJson(sample().replace('"usage": 1234567', '"usage": 1.5'))).toThrow(/diskspace\.usage/);
  });

  it('refuses a ctid that is not a positive integer', () => {
    expect(() => parseVzlistJson(sample().replace('"ctid": 101', '"ctid": "101; rm -rf /"'))).toThrow(/ctid/);
    expect(() => parseVzlistJson(sample().replace('"ctid": 101', '"ctid": -1'))).toThrow(/ctid/);
  });

  it('refuses the same container twice', () => {
    expect(() => parseVzlistJson(sample().replace('"ctid": 102', '"ctid": 101'))).toThrow(/101 is listed twice/);
  });

  it('explains the invalid JSON vzlist prints for a hostname with a double quote', () => {
    // print_json_str does not escape
    const text = sample().replace('"ct101.example.com"', '"ct"101.example.com"');
    expect(() => parseVzlistJson(text)).toThrow(/not valid JSON.*escape quotes/);
  });

  it('refuses truncated, empty and non-array output', () => {
    expect(() => parseVzlistJson(sample().slice(0, 500))).toThrow(/not valid JSON/);
    expect(() => parseVzlistJson('')).toThrow(/empty/);
    expect(() => parseVzlistJson('{"ctid": 1}')).toThrow(/expected a JSON array/);
    expect(() => parseVzlistJson('Container(s) not found')).toThrow(/not valid JSON/);
  });

  it('takes hostile strings as data', () => {
    const text = sample().replace('"ct101.example.com"', '"$(touch /tmp/x); `id` \'q\' ✓"');
    expect(parseVzlistJson(text)[0]!.hostname).toBe("$(touch /tmp/x); `id` 'q' ✓");
  });
});
