import { describe, expect, it } from 'vitest';
import { planNics, type MappedNetwork } from './nic-plan';

const net = (cidr: string, id: string, gateway: string | null = null): MappedNetwork => ({
  cidr,
  cloudstackNetworkId: id,
  gateway,
  sourceVlan: null,
  name: id,
});
const networks = [
  net('10.20.0.0/24', 'n20', '10.20.0.1'),
  net('10.30.0.0/24', 'n30', '10.30.0.1'),
  net('2001:db8:20::/64', 'n20', '2001:db8:20::1'),
];
const v4 = (address: string, prefix: number | null = null) => ({ address, family: 4, prefix });

describe('planNics', () => {
  it('refuses a container without an IP address: preflight fails it before the downtime, not verify after it', () => {
    expect(() => planNics([], networks)).toThrow(/has no IP address.*give the container its address/);
  });

  it('puts every IP of one network on one NIC, the first as its primary address, with the subnet prefix', () => {
    const plan = planNics([v4('10.20.0.5'), v4('10.20.0.6'), v4('10.20.0.7')], networks);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ device: 'eth0', primary: { address: '10.20.0.5', prefix: 24 } });
    expect(plan[0]!.extra.map((e) => e.address)).toEqual(['10.20.0.6', '10.20.0.7']);
  });

  it("gives each network its own NIC, in the order of the container's IPs", () => {
    const plan = planNics([v4('10.30.0.9'), v4('10.20.0.5'), v4('10.30.0.10')], networks);
    expect(plan.map((n) => [n.device, n.network.cloudstackNetworkId, n.primary.address])).toEqual([
      ['eth0', 'n30', '10.30.0.9'],
      ['eth1', 'n20', '10.20.0.5'],
    ]);
  });

  it('keeps IPv6 addresses on the NIC of their dual-stack network', () => {
    const plan = planNics([{ address: '2001:db8:20::5', family: 6, prefix: null }, v4('10.20.0.5')], networks);
    expect(plan).toHaveLength(1);
    expect(plan[0]!.ipv6).toEqual([{ address: '2001:db8:20::5', prefix: 64 }]);
  });

  it("carries both gateways of a dual-stack network: the IPv4 mapping's and the IPv6 mapping's (ip6gateway)", () => {
    const plan = planNics([{ address: '2001:db8:20::5', family: 6, prefix: null }, v4('10.20.0.5')], networks);
    expect(plan[0]).toMatchObject({ gateway: '10.20.0.1', ipv6Gateway: '2001:db8:20::1' });
  });

  it('gives an IPv6-only NIC no IPv4 gateway', () => {
    const plan = planNics([{ address: '2001:db8:20::5', family: 6, prefix: null }], networks);
    expect(plan[0]).toMatchObject({ gateway: null, ipv6Gateway: '2001:db8:20::1' });
  });

  it('names every address no mapping holds', () => {
    expect(() => planNics([v4('10.20.0.5'), v4('192.0.2.9'), v4('192.0.2.10')], networks)).toThrow(
      'no network mapping holds 192.0.2.9, 192.0.2.10; add the source subnet under Settings > Networks',
    );
  });
});
