// Which NIC of the VM carries which of the container's IPs. One NIC per
// mapped source network (VLAN/subnet), in the order the container's IPs
// first appear, so the network of its first IPv4 (its primary address under
// venet) is eth0 and holds the default gateway. rewrite_config writes the
// guest's network config from this plan and deploy_vm asks CloudStack for
// the same NICs in the same order: they must agree.
import { findNetwork } from '@vzferry/core';

export interface MappedNetwork {
  cidr: string;
  cloudstackNetworkId: string;
  gateway: string | null;
  sourceVlan: number | null;
  name: string;
}

export interface PlannedNic {
  /** eth0, eth1, ... */
  device: string;
  network: MappedNetwork;
  /** the address CloudStack assigns to the NIC (iptonetworklist[i].ip) */
  primary: { address: string; prefix: number };
  /** the others of this network: addIpToNic, and aliases/secondary addresses in the guest */
  extra: Array<{ address: string; prefix: number; family: 4 | 6 }>;
  ipv6: Array<{ address: string; prefix: number }>;
  /** the IPv4 gateway of the NIC's network, null without IPv4 on it */
  gateway: string | null;
  /** the IPv6 gateway (CloudStack's ip6gateway): the gateway of the IPv6 subnet's mapping */
  ipv6Gateway: string | null;
}

export class NicPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NicPlanError';
  }
}

export function planNics(
  ips: ReadonlyArray<{ address: string; family: number; prefix: number | null }>,
  networks: readonly MappedNetwork[],
): PlannedNic[] {
  // verify proves the VM answers on the container's addresses: without one it could only roll back, after the downtime
  if (ips.length === 0)
    throw new NicPlanError(
      'the container has no IP address: its VM would have no network and nothing could show that it answers; give the container its address on the hypervisor first',
    );
  const unmapped = ips.filter((ip) => !findNetwork(networks, ip.address)).map((ip) => ip.address);
  if (unmapped.length) {
    throw new NicPlanError(
      `no network mapping holds ${unmapped.join(', ')}; add the source subnet under Settings > Networks`,
    );
  }
  const ordered = [...ips].sort((a, b) => (a.family === b.family ? 0 : a.family === 4 ? -1 : 1));
  const byNetwork = new Map<
    string,
    { network: MappedNetwork; v6Network?: MappedNetwork; v4: (typeof ips)[number][]; v6: (typeof ips)[number][] }
  >();
  for (const ip of ordered) {
    const network = findNetwork(networks, ip.address)!;
    const entry = byNetwork.get(network.cidr) ?? {
      network,
      ...(ip.family === 6 ? { v6Network: network } : {}),
      v4: [],
      v6: [],
    };
    (ip.family === 6 ? entry.v6 : entry.v4).push(ip);
    byNetwork.set(network.cidr, entry);
  }
  const groups = mergeV6IntoV4Nics([...byNetwork.values()]);
  // an address without a prefix (venet: /32) takes the prefix of its own subnet
  const prefixOf = (ip: { address: string; prefix: number | null; family: number }) =>
    ip.prefix ?? networkPrefix(findNetwork(networks, ip.address)!.cidr, ip.family);
  return groups.map((g, i) => {
    const [first, ...rest] = g.v4.length ? g.v4 : g.v6;
    return {
      device: `eth${i}`,
      network: g.network,
      primary: { address: first!.address, prefix: prefixOf(first!) },
      extra: rest.map((ip) => ({
        address: ip.address,
        prefix: prefixOf(ip),
        family: ip.family === 6 ? (6 as const) : (4 as const),
      })),
      ipv6: g.v4.length ? g.v6.map((ip) => ({ address: ip.address, prefix: prefixOf(ip) })) : [],
      gateway: g.v4.length ? g.network.gateway : null,
      ipv6Gateway: g.v6Network?.gateway ?? null,
    };
  });
}

/**
 * An IPv6 subnet mapped to the same CloudStack network as an IPv4 subnet
 * (dual-stack network) rides on that NIC rather than getting one of its own.
 */
function mergeV6IntoV4Nics<
  T extends { network: MappedNetwork; v6Network?: MappedNetwork; v4: unknown[]; v6: unknown[] },
>(groups: T[]): T[] {
  const out: T[] = [];
  for (const g of groups) {
    const twin = out.find((o) => o.network.cloudstackNetworkId === g.network.cloudstackNetworkId);
    if (twin) {
      twin.v4.push(...g.v4);
      twin.v6.push(...g.v6);
      twin.v6Network ??= g.v6Network;
    } else out.push({ ...g, v4: [...g.v4], v6: [...g.v6] });
  }
  return out;
}

/** A venet address is a /32 (/128); in the VM it takes the prefix of its subnet. */
function networkPrefix(cidr: string, family: number): number {
  const p = Number(cidr.split('/')[1]);
  return Number.isInteger(p) ? p : family === 6 ? 64 : 24;
}
