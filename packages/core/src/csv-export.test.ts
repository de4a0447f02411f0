import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv-export';

describe('CSV export', () => {
  it('escapes a cell a spreadsheet would run as a formula', () => {
    expect(['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx'].map(csvCell)).toEqual([
      `"'=HYPERLINK(""http://x"")"`,
      "'+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tx",
    ]);
  });

  it('leaves numbers, dates and plain text as they are, and quotes what needs it', () => {
    expect([-3, 12n, new Date('2026-12-01T10:00:00Z'), 'a, b', 'say "hi"', 'two\nlines', null].map(csvCell)).toEqual([
      '-3',
      '12',
      '2026-12-01T10:00:00.000Z',
      '"a, b"',
      '"say ""hi"""',
      '"two\nlines"',
      '',
    ]);
  });

  it('writes a header and rows with CRLF line ends', () => {
    expect(
      toCsv(
        ['ctid', 'customer'],
        [
          [101, 'Acme'],
          [102, '=cmd'],
        ],
      ),
    ).toBe("ctid,customer\r\n101,Acme\r\n102,'=cmd\r\n");
  });
});
