import { describe, expect, it } from 'vitest';
import { parseContainerRefs } from './container-refs';

describe('parseContainerRefs', () => {
  it('reads CTIDs, host:CTID and hostnames, one per line, numbering the lines as pasted', () => {
    const lines = parseContainerRefs('101\r\n\n  hv2:2003 \n# a comment\nWeb1.Example.NET.\n');
    expect(lines).toEqual([
      { line: 1, text: '101', ref: { kind: 'ctid', ctid: 101 } },
      { line: 3, text: 'hv2:2003', ref: { kind: 'host_ctid', host: 'hv2', ctid: 2003 } },
      { line: 5, text: 'Web1.Example.NET.', ref: { kind: 'hostname', hostname: 'web1.example.net' } },
    ]);
  });

  it('says why a line names no container', () => {
    const lines = parseContainerRefs('0\n99999999999\nct 101\nhv1:x1\n');
    expect(lines.map((l) => [l.ref, l.problem])).toEqual([
      [null, '0: a container id (CTID) is a positive number'],
      [null, '99999999999: a container id (CTID) fits in 32 bits'],
      [null, '"ct 101" is not a CTID, host:CTID or hostname'],
      [null, '"hv1:x1" is not a CTID, host:CTID or hostname'],
    ]);
  });

  it('gives nothing for an empty paste', () => {
    expect(parseContainerRefs(' \n\n')).toEqual([]);
  });
});
