// Round trips: what the lab's vzlist prints, the inventory's parsers read
// back (packages/openvz vzlist-json.ts, vzlist-text.ts), for generated
// containers rather than the fixed samples of vzlist-format.test.ts.
import { parseVzlistJson, parseVzlistText, UBC_NAMES, UNLIMITED, type VzlistTextField } from '@vzferry/openvz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LONG_MAX, renderVzlistJson, renderVzlistText, type VzlistRecord } from './vzlist-format';

const u64 = fc.bigInt({ min: 0n, max: 18446744073709551615n });
const ubc = fc.record({ held: u64, maxheld: u64, barrier: u64, limit: u64, failcnt: u64 });
const quota = fc.option(fc.record({ usage: u64, softlimit: u64, hardlimit: u64 }));
const text = fc.option(fc.string({ maxLength: 20, unit: 'binary' }));
const ipv4 = fc.ipV4();
const token = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,40}$/);

const record = (ctid: number): fc.Arbitrary<VzlistRecord> =>
  fc.record({
    ctid: fc.constant(ctid),
    private: text,
    root: text,
    mount_opts: text,
    origin_sample: text,
    hostname: text,
    name: text,
    description: text,
    ostemplate: text,
    ip: fc.array(fc.oneof(ipv4, fc.ipV6()), { maxLength: 4 }),
    nameserver: fc.array(ipv4, { maxLength: 2 }),
    searchdomain: fc.array(token, { maxLength: 2 }),
    status: fc.constantFrom('running', 'stopped', 'mounted', 'suspended'),
    ubc: fc
      .tuple(...UBC_NAMES.map(() => ubc))
      .map((list) => Object.fromEntries(UBC_NAMES.map((n, i) => [n, list[i]!]))),
    diskspace: quota,
    diskinodes: quota,
    laverage: fc.option(
      fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map((t) => t.map((x) => x / 4) as [number, number, number]),
    ),
    uptime: fc.nat(10_000_000).map((x) => x / 8),
    cpulimit: fc.nat(),
    cpuunits: fc.nat(),
    cpus: fc.nat(64),
    onboot: fc.option(fc.boolean()),
    layout: fc.constantFrom('simfs', 'ploop'),
    vswap: fc.boolean(),
    disabled: fc.boolean(),
    netfilter: text,
  }) as fc.Arbitrary<VzlistRecord>;

const records = fc
  .uniqueArray(fc.integer({ min: 1, max: 2147483647 }), { maxLength: 4 })
  .chain((ids) => fc.tuple(...ids.map(record)));

const unlimitedAsLongMax = (v: bigint | typeof UNLIMITED) => (v === UNLIMITED ? LONG_MAX : v);

describe('vzlist printers and parsers', () => {
  it('parseVzlistJson reads back what renderVzlistJson prints', () => {
    fc.assert(
      fc.property(records, (list) => {
        const parsed = parseVzlistJson(renderVzlistJson(list));
        expect(parsed.map((c) => c.ctid)).toEqual(list.map((r) => r.ctid));
        parsed.forEach((c, i) => {
          const r = list[i]!;
          expect([c.hostname, c.description, c.private, c.ip, c.status, c.onboot]).toEqual([
            r.hostname,
            r.description,
            r.private,
            r.ip,
            r.status,
            r.onboot,
          ]);
          for (const n of UBC_NAMES) {
            expect(c[n]!.held).toBe(r.ubc[n].held);
            expect(unlimitedAsLongMax(c[n]!.barrier)).toBe(r.ubc[n].barrier);
          }
          expect(c.diskspace && unlimitedAsLongMax(c.diskspace.hardlimit)).toBe(r.diskspace && r.diskspace.hardlimit);
          expect(c.uptime).toBeCloseTo(r.uptime, 3);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('parseVzlistText reads back what renderVzlistText prints, every IP when ip is last', () => {
    const fields: VzlistTextField[] = ['ctid', 'status', 'hostname', 'ip'];
    const plain = records.map((list) =>
      list.map((r) => ({ ...r, hostname: r.hostname === null ? null : `h${r.ctid}` })),
    );
    fc.assert(
      fc.property(plain, fc.boolean(), (list, header) => {
        const rows = parseVzlistText(renderVzlistText(list, fields, header), fields);
        expect(rows).toEqual(list.map((r) => ({ ctid: r.ctid, status: r.status, hostname: r.hostname, ips: r.ip })));
      }),
      { numRuns: 200 },
    );
  });
});
