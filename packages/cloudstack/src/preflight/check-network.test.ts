import { describe, expect, it } from 'vitest';
import type { Network } from '../schemas/infrastructure';
import { checkNetworkMapping, checkNetworkMappings } from './check-network';

// the shape of listNetworks' answer for a dual-stack shared network (apache/cloudstack NetworkResponse)
const net: Network = {
  id: 'n20',
  name: 'lab-vlan20',
  cidr: '10.20.0.0/24',
  gateway: '10.20.0.1',
  ip6cidr: '2001:db8:20::/64',
  ip6gateway: '2001:db8:20::1',
};
const m = (cidr: string, gateway: string | null) => ({ name: 'vlan20', cidr, gateway, cloudstackNetworkId: 'n20' });

describe('checkNetworkMapping', () => {
  it("accepts CloudStack's own subnet and gateway, IPv4 and IPv6 (any spelling of the address)", () => {
    expect(checkNetworkMapping(m('10.20.0.0/24', '10.20.0.1'), net)).toEqual([]);
    expect(checkNetworkMapping(m('2001:db8:20:0::/64', '2001:DB8:20:0:0:0:0:1'), net)).toEqual([]);
  });

  it('refuses a blank gateway: the VM would have no default route', () => {
    expect(checkNetworkMapping(m('10.20.0.0/24', ' '), net)).toEqual([
      {
        field: 'gateway',
        reason:
          "the gateway is empty: the VM would have no default route (CloudStack network lab-vlan20's gateway is 10.20.0.1)",
      },
    ]);
    expect(checkNetworkMapping(m('2001:db8:20::/64', null), net)[0]!.reason).toMatch(/ip6gateway is 2001:db8:20::1/);
  });

  it("refuses a gateway or CIDR that is not CloudStack's", () => {
    expect(checkNetworkMapping(m('10.20.0.0/23', '10.20.0.254'), net)).toEqual([
      { field: 'cidr', reason: 'CloudStack network lab-vlan20 is 10.20.0.0/24 (cidr), not 10.20.0.0/23' },
      { field: 'gateway', reason: "CloudStack network lab-vlan20's gateway is 10.20.0.1, not 10.20.0.254" },
    ]);
  });

  it('refuses an IPv6 subnet on a network without IPv6, and an unknown network', () => {
    const v4only: Network = { id: 'n30', name: 'lab-vlan30', cidr: '10.30.0.0/24', gateway: '10.30.0.1' };
    expect(
      checkNetworkMapping({ ...m('2001:db8:30::/64', '2001:db8:30::1'), cloudstackNetworkId: 'n30' }, v4only),
    ).toEqual([
      { field: 'cidr', reason: 'CloudStack network lab-vlan30 has no IPv6 subnet (ip6cidr)' },
      { field: 'gateway', reason: 'CloudStack network lab-vlan30 has no ip6gateway' },
    ]);
    expect(checkNetworkMappings([{ ...m('10.9.0.0/24', '10.9.0.1'), cloudstackNetworkId: 'gone' }], [net])).toEqual([
      {
        index: 0,
        name: 'vlan20',
        field: 'cloudstackNetworkId',
        reason: 'CloudStack lists no network gone in the zone',
      },
    ]);
  });
});
