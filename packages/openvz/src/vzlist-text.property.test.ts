// Properties of the vzlist text parser on output it was not written for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenVzParseError } from './parse-error';
import { parseVzlistText } from './vzlist-text';

// bits of what a broken or hostile host could print
const PIECES = [
  '\u0000',
  '\ufeff',
  'é',
  '😀',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '-',
  '../',
  '$(id)',
  ';',
  '|',
  '`',
  '101',
  'running',
];
const hostile = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4, unit: 'binary' })), { maxLength })
    .map((a) => a.join(''));

function parsesOrRefuses(text: string): void {
  try {
    for (const row of parseVzlistText(text)) {
      expect(Number.isInteger(row.ctid) && row.ctid > 0).toBe(true);
      expect(['running', 'stopped', 'mounted', 'suspended']).toContain(row.status);
    }
  } catch (err) {
    expect(err).toBeInstanceOf(OpenVzParseError);
  }
}

describe('parseVzlistText properties', () => {
  it('gives rows with positive CTIDs and known statuses, or OpenVzParseError', () => {
    fc.assert(fc.property(hostile(30), parsesOrRefuses), { numRuns: 200 });
  });

  it('does the same for lines that look almost right', () => {
    const line = fc
      .tuple(
        fc.oneof(fc.nat().map(String), hostile(2)),
        hostile(2),
        fc.constantFrom('running', 'stopped', 'x'),
        hostile(3),
      )
      .map((cols) => cols.join(' '));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => parsesOrRefuses(lines.join('\n'))),
      {
        numRuns: 200,
      },
    );
  });

  it('refuses a 1 MB line with OpenVzParseError', () => {
    expect(() => parseVzlistText(`101 ${'x'.repeat(1024 * 1024)}\n`)).toThrow(OpenVzParseError);
  });
});
