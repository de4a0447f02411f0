// Properties of the vzlist JSON parser on output it was not written for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenVzParseError } from './parse-error';
import { parseVzlistJson } from './vzlist-json';

const PIECES = [
  '\u0000',
  '\ufeff',
  'é',
  '"',
  '\\',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  'null',
  '9223372036854775807',
  '../',
  '$(id)',
];
const hostile = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4, unit: 'binary' })), { maxLength })
    .map((a) => a.join(''));

function parsesOrRefuses(text: string): void {
  try {
    const list = parseVzlistJson(text);
    for (const ct of list) expect(Number.isInteger(ct.ctid) && ct.ctid > 0).toBe(true);
    expect(new Set(list.map((c) => c.ctid)).size).toBe(list.length);
  } catch (err) {
    expect(err).toBeInstanceOf(OpenVzParseError);
  }
}

describe('parseVzlistJson properties', () => {
  it('gives containers with unique positive CTIDs, or OpenVzParseError, on any text', () => {
    fc.assert(fc.property(hostile(30), parsesOrRefuses), { numRuns: 200 });
  });

  it('does the same for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => parsesOrRefuses(JSON.stringify(v) ?? '')),
      { numRuns: 200 },
    );
  });

  it('does the same for arrays of containers with hostile fields', () => {
    const ct = fc.record({
      ctid: fc.oneof(fc.integer(), fc.string()),
      hostname: fc.oneof(fc.string(), fc.constant(null)),
      status: fc.string(),
      ip: fc.array(fc.string()),
    });
    fc.assert(
      fc.property(fc.array(ct, { maxLength: 3 }), (list) => parsesOrRefuses(JSON.stringify(list))),
      {
        numRuns: 200,
      },
    );
  });

  it('refuses a 1 MB string with OpenVzParseError', () => {
    expect(() => parseVzlistJson(`[{"hostname": "${'x'.repeat(1024 * 1024)}"}]`)).toThrow(OpenVzParseError);
  });
});
