// Properties of the container config parser (/etc/vz/conf/<CTID>.conf) on
// files it was not written for.
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContainerConfig } from './container-config';
import { OpenVzParseError } from './parse-error';

const KEYS = [
  'IP_ADDRESS',
  'HOSTNAME',
  'ONBOOT',
  'VE_PRIVATE',
  'DISKSPACE',
  'PHYSPAGES',
  'CPUS',
  'CPULIMIT',
  'NETIF',
  'NAMESERVER',
  'VE_LAYOUT',
  'X',
];
const PIECES = [
  '\u0000',
  'é',
  '"',
  '\\',
  '=',
  '#',
  ' ',
  '$VEID',
  '${VEID}',
  '../',
  '$(id)',
  '`x`',
  ';',
  '10.0.0.1',
  '::1',
  '/24',
  ':',
  'yes',
  '1G',
];
const hostile = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4, unit: 'binary' })), { maxLength })
    .map((a) => a.join(''));
const configLine = fc.oneof(
  hostile(8),
  fc.tuple(fc.constantFrom(...KEYS), hostile(6), fc.boolean()).map(([k, v, q]) => (q ? `${k}="${v}"` : `${k}=${v}`)),
);

function parsesOrRefuses(text: string): void {
  try {
    const config = parseContainerConfig(text, 101);
    for (const ip of config.ips) {
      expect(isIP(ip.address)).toBe(ip.family);
      if (ip.prefix !== null) expect(ip.prefix).toBeLessThanOrEqual(ip.family === 4 ? 32 : 128);
    }
    expect(new Set(config.ips.map((ip) => ip.address)).size).toBe(config.ips.length);
    if (config.cpus !== null) expect(Number.isSafeInteger(config.cpus) && config.cpus >= 0).toBe(true);
  } catch (err) {
    expect(err).toBeInstanceOf(OpenVzParseError);
  }
}

describe('parseContainerConfig properties', () => {
  it('gives valid IPs and counts, or OpenVzParseError, on any text', () => {
    fc.assert(fc.property(hostile(40), parsesOrRefuses), { numRuns: 200 });
  });

  it('does the same for files of KEY=value lines with hostile values', () => {
    fc.assert(
      fc.property(fc.array(configLine, { maxLength: 8 }), (lines) => parsesOrRefuses(lines.join('\n'))),
      {
        numRuns: 200,
      },
    );
  });

  it('takes a 1 MB value', () => {
    expect(parseContainerConfig(`DESCRIPTION="${'x'.repeat(1024 * 1024)}"\n`, 101).description).toHaveLength(
      1024 * 1024,
    );
  });
});
