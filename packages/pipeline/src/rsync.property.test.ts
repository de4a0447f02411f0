// Properties of the rsync output parsers: progress2 lines and the stats2
// summary come from a remote rsync over SSH, so they are foreign text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRsyncProgress, parseRsyncStats } from './rsync';

const PIECES = [
  '\u0000',
  'é',
  ' ',
  '\r',
  '\n',
  ',',
  '%',
  '/s',
  '(xfr#',
  'to-chk=',
  'ir-chk=',
  ')',
  '/',
  '../',
  '$(id)',
];
// small counts and ones no JavaScript number holds exactly
const digits = fc.oneof(fc.nat(1000).map(String), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String));
const hostile = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), digits, fc.string({ maxLength: 4, unit: 'binary' })), { maxLength })
    .map((a) => a.join(''));

/** rsync's thousands separators (human_num with --info=progress2) */
const commas = (n: bigint | number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

describe('parseRsyncProgress properties', () => {
  it('reads back a progress2 line built from its values', () => {
    const values = fc.record({
      bytes: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      percent: fc.nat(100),
      rate: fc.constantFrom('0.00kB/s', '440.07MB/s', '1.20GB/s'),
      files: fc.option(fc.tuple(fc.nat(), fc.nat(1_000_000_000)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)])),
      transferred: fc.nat(1_000_000),
      kind: fc.constantFrom('to', 'ir'),
    });
    fc.assert(
      fc.property(values, (v) => {
        const tail = v.files ? ` (xfr#${v.transferred}, ${v.kind}-chk=${v.files[0]}/${v.files[1]})` : '  ';
        const line = `${commas(v.bytes).padStart(15)} ${String(v.percent).padStart(3)}%  ${v.rate}    0:00:01${tail}`;
        expect(parseRsyncProgress(line)).toEqual({
          bytes: v.bytes,
          percent: v.percent,
          rate: v.rate,
          transferred: v.files ? v.transferred : null,
          toCheck: v.files ? v.files[0] : null,
          total: v.files ? v.files[1] : null,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('gives null or counts the stage can use (whole, finite, no more left than in all) on any line', () => {
    const nearLine = fc
      .tuple(digits, digits, digits, digits, digits)
      .map(([b, p, x, c, t]) => `${b} ${p.slice(0, 3)}% 1kB/s 0:00:00 (xfr#${x}, to-chk=${c}/${t})`);
    fc.assert(
      fc.property(fc.oneof(hostile(20), nearLine), (line) => {
        const p = parseRsyncProgress(line);
        if (p === null) return;
        expect(p.bytes >= 0n).toBe(true);
        for (const n of [p.transferred, p.toCheck, p.total]) if (n !== null) expect(Number.isSafeInteger(n)).toBe(true);
        if (p.toCheck !== null && p.total !== null) expect(p.toCheck).toBeLessThanOrEqual(p.total);
      }),
      { numRuns: 200, examples: [['0 0% 1kB/s 0:00:00 (xfr#0, to-chk=1/0)']] },
    );
  });

  it('does not take a 1 MB line for progress', () => {
    expect(parseRsyncProgress(`1 0% 1kB/s 0:00:00 ${'x'.repeat(1024 * 1024)}`)).toBeNull();
  });
});

describe('parseRsyncStats properties', () => {
  it('reads back a stats2 summary built from its values', () => {
    const n = fc.nat(2_000_000_000);
    const size = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(fc.tuple(n, n, n, size, size, hostile(5)), ([files, reg, del, total, sent, noise]) => {
        const out = [
          noise.replace(/[\r\n]/g, ' '),
          `Number of files: ${commas(files)} (reg: 5, dir: 2)`,
          `Number of created files: 0`,
          `Number of deleted files: ${commas(del)}`,
          `Number of regular files transferred: ${commas(reg)}`,
          `Total file size: ${commas(total)} bytes`,
          `Total transferred file size: ${commas(sent)} bytes`,
        ].join('\n');
        expect(parseRsyncStats(out)).toEqual({
          files,
          regularFilesTransferred: reg,
          deletedFiles: del,
          totalFileSize: total,
          transferredFileSize: sent,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('gives null or whole, finite counts on any output', () => {
    const statLine = fc
      .tuple(fc.constantFrom('Number of files: ', 'Total file size: ', 'Number of deleted files: '), digits)
      .map(([k, d]) => `${k}${d} bytes`);
    fc.assert(
      fc.property(fc.array(fc.oneof(hostile(6), statLine), { maxLength: 6 }), digits, digits, (lines, files, size) => {
        const s = parseRsyncStats([...lines, `Number of files: ${files}`, `Total file size: ${size} bytes`].join('\n'));
        if (s === null) return;
        for (const c of [s.files, s.regularFilesTransferred, s.deletedFiles])
          expect(Number.isSafeInteger(c)).toBe(true);
        expect(s.totalFileSize >= 0n && s.transferredFileSize >= 0n).toBe(true);
      }),
      { numRuns: 200, examples: [[['Number of files: 9007199254740993'], '0', '0']] },
    );
  });
});
