import { describe, expect, it } from 'vitest';
import { readSample } from './testing/samples';
import { parseVzlistText } from './vzlist-text';

describe('parseVzlistText', () => {
  it('reads the reference sample of -o ctid,hostname,ip,status (first IP only, - for unset)', () => {
    const rows = parseVzlistText(readSample('openvz/vzlist-a-H-o_ctid_hostname_ip_status.txt'), [
      'ctid',
      'hostname',
      'ip',
      'status',
    ]);
    expect(rows).toEqual([
      { ctid: 101, hostname: 'ct101.example.com', ips: ['10.0.0.101'], status: 'running' },
      { ctid: 102, hostname: 'ct102.example.com', ips: ['10.0.0.102'], status: 'stopped' },
      { ctid: 103, hostname: null, ips: [], status: 'mounted' },
    ]);
  });

  it('reads plain vzlist -a with its header and default columns', () => {
    const rows = parseVzlistText(readSample('openvz/vzlist-a.txt'), ['ctid', 'numproc', 'status', 'ip', 'hostname']);
    expect(rows.map((r) => [r.ctid, r.numproc, r.status, r.hostname])).toEqual([
      [101, 23, 'running', 'ct101.example.com'],
      [102, null, 'stopped', 'ct102.example.com'],
      [103, null, 'mounted', null],
    ]);
  });

  it('reads every IP when ip is the last column', () => {
    const text =
      '       101 ct101.example.com                running   10.0.0.101 10.0.0.201 2001:db8::1\n       102 -                                stopped   -\n';
    expect(parseVzlistText(text)).toEqual([
      { ctid: 101, hostname: 'ct101.example.com', status: 'running', ips: ['10.0.0.101', '10.0.0.201', '2001:db8::1'] },
      { ctid: 102, hostname: null, status: 'stopped', ips: [] },
    ]);
  });

  it('says which line and column is wrong', () => {
    expect(() => parseVzlistText('       101 a running -\n       abc b stopped 1.2.3.4\n')).toThrow(
      /line 2, column ctid/,
    );
    expect(() => parseVzlistText('       101 a sleeping 1.2.3.4\n')).toThrow(/line 1, column status/);
    expect(() => parseVzlistText('       101 a\n')).toThrow(/line 1 has 2 columns, expected 4/);
    expect(() => parseVzlistText('101 a running -\n101 b running -\n')).toThrow(/101 is listed twice/);
  });

  it('returns nothing for empty output', () => {
    expect(parseVzlistText('')).toEqual([]);
  });
});
