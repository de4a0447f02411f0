import { describe, expect, it } from 'vitest';
import { readSample } from './testing/samples';
import { parseVzctlStatus } from './vzctl-status';

type Case = { argv: string[]; stdout: string; stderr: string; exit: number };
const behaviour = JSON.parse(readSample('openvz/vzctl-cli-behaviour.jsonc')) as Record<string, Case>;

describe('parseVzctlStatus', () => {
  it('reads every status line of the reference behaviour table', () => {
    const parse = (key: string) => parseVzctlStatus(behaviour[key]!.stdout);
    expect(parse('status_running')).toEqual({
      ctid: 101,
      exists: true,
      mounted: true,
      running: true,
      suspended: false,
    });
    expect(parse('status_stopped')).toEqual({
      ctid: 102,
      exists: true,
      mounted: false,
      running: false,
      suspended: false,
    });
    expect(parse('status_mounted_only')).toEqual({
      ctid: 103,
      exists: true,
      mounted: true,
      running: false,
      suspended: false,
    });
    expect(parse('status_suspended')).toEqual({
      ctid: 104,
      exists: true,
      mounted: false,
      running: false,
      suspended: true,
    });
    expect(parse('status_nonexistent')).toEqual({
      ctid: 999,
      exists: false,
      mounted: false,
      running: false,
      suspended: false,
    });
  });

  it('ignores ploop log lines before the status line', () => {
    expect(
      parseVzctlStatus('Opening delta /vz/private/101/root.hdd/root.hds\nCTID 101 exist mounted running\n').running,
    ).toBe(true);
  });

  it('refuses anything else, and a status of another container', () => {
    expect(() => parseVzctlStatus('')).toThrow(/expected "CTID <id>/);
    expect(() => parseVzctlStatus('CTID 101 exist mounted sleeping\n')).toThrow(/sleeping/);
    expect(() => parseVzctlStatus('CTID 101; exist mounted running\n')).toThrow();
    expect(() => parseVzctlStatus('CTID 102 exist mounted running\n', 101)).toThrow(/asked for container 101, got 102/);
  });
});
