import { parseCustomerCsv } from '@vzferry/core';
import { describe, expect, it } from 'vitest';
import { customersCsv } from './build';
import { planFleet } from './plan';

describe('the lab fleet', () => {
  const plans = planFleet({ hosts: 3, containers: 3000, debian12: true });

  it('has unique CTIDs and IPs, several subnets, VLAN NICs, the Debian 12 container and the hostile one', () => {
    // 3000 planned and the hostile container
    expect(new Set(plans.map((p) => p.ctid)).size).toBe(3001);
    const ips = plans.flatMap((p) => p.ips);
    expect(new Set(ips).size).toBe(ips.length);
    expect(new Set(plans.map((p) => p.ips[0]!.split('.').slice(0, 2).join('.'))).size).toBeGreaterThanOrEqual(4);
    expect(new Set(plans.flatMap((p) => (p.nic ? [p.nic.bridge] : [])))).toEqual(new Set(['br210', 'br220']));
    expect(plans.find((p) => p.real)).toMatchObject({
      ctid: 1012,
      host: 0,
      ips: ['10.0.2.15'],
      os: { template: 'debian-12.0-x86_64' },
    });
    expect(plans.filter((p) => p.hostile)).toMatchObject([
      { ctid: 999, host: 0, running: false, os: { template: 'debian-7.0-x86_64' } },
    ]);
    // 8 synthetic OSes, Debian 12 and the hostile Debian 7
    expect(new Set(plans.filter((p) => p.host === 0).map((p) => p.os.template)).size).toBe(10);
  });

  it('gives two labs in different address blocks no address in common, inside the same subnets', () => {
    const other = planFleet({ hosts: 3, containers: 3000, debian12: true, addressBlock: 14 });
    const ours = new Set(plans.flatMap((p) => (p.hostile || p.real ? [] : p.ips)));
    const theirs = other.flatMap((p) => (p.hostile || p.real ? [] : p.ips));
    expect(theirs.filter((ip) => ours.has(ip))).toEqual([]);
    const nets = (ps: typeof plans) => new Set(ps.map((p) => p.ips[0]!.split('.').slice(0, 2).join('.')));
    expect(nets(other)).toEqual(nets(plans));
    expect(() => planFleet({ hosts: 1, containers: 10, debian12: false, addressBlock: 15 })).toThrow(/0 to 14/);
  });

  it('writes a customer CSV that the product accepts without a bad row', () => {
    const { rows, errors } = parseCustomerCsv(customersCsv(plans));
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(3001);
    expect(rows.some((r) => r.downtime_window?.includes(','))).toBe(true);
    expect(rows.some((r) => r.ctid === undefined && r.hostname)).toBe(true);
  });
});
