// Addresses on the shared guest networks: a requested IPv4 must be a free
// address of the network's IP ranges, otherwise IpAddressManagerImpl
// answers "Insufficient address capacity" (whether it is taken or outside
// the network); MACs as NetworkDaoImpl.getNextAvailableMacAddress builds them.
import { randomInt } from 'node:crypto';
import { ApiError, CS, invalidParameterValue } from './api-error';
import { eui64Address, intToIpv4, ipv4InRange, ipv4ToInt, ipv6InCidr, isIpv4 } from './ip-math';
import type { LabNetwork, LabState } from './state';

/** Every IPv4 held by a VM NIC or a secondary IP (VMs destroyed release theirs). */
export function usedIpv4(state: LabState, networkId: string): Set<string> {
  const used = new Set<string>();
  for (const vm of state.vms) {
    if (vm.state === 'Destroyed') continue;
    for (const nic of vm.nics) {
      if (nic.networkid !== networkId) continue;
      used.add(nic.ipaddress);
      for (const s of nic.secondaryips) used.add(s.ipaddress);
    }
  }
  return used;
}

/** DeployVMCmd/CreateCmd turn InsufficientAddressCapacityException into a 533 without a cause. */
export const insufficientAddressCapacity = () =>
  new ApiError(533, 'Insufficient address capacity', CS.ServerApiException);

/** A free IPv4 of the network (the requested one, or the lowest free), or null when none. */
export function takeIpv4(
  state: LabState,
  net: LabNetwork,
  requested: string | undefined,
  alsoTaken: Set<string> = new Set(),
): string | null {
  const used = usedIpv4(state, net.id);
  const free = (ip: string) =>
    !used.has(ip) &&
    !alsoTaken.has(ip) &&
    ip !== net.gateway &&
    net.ipRanges.some((r) => ipv4InRange(ip, r.start, r.end));
  if (requested !== undefined) return free(requested) ? requested : null;
  for (const range of net.ipRanges) {
    for (let n = ipv4ToInt(range.start); n <= ipv4ToInt(range.end); n++) {
      const ip = intToIpv4(n);
      if (free(ip)) return ip;
    }
  }
  return null;
}

/** NetworkModelImpl.checkRequestedIpAddresses */
export function checkRequestedIpv4(ip: string | undefined): void {
  if (ip !== undefined && !isIpv4(ip)) throw invalidParameterValue(`Invalid specified IPv4 address ${ip}`);
}

/** 02:00:<random 15 bits>:<per-network sequence>, as NetworkDaoImpl.getNextAvailableMacAddress without a zone MAC id. */
export function nextMac(net: LabNetwork): string {
  net.macSeq += 1;
  const value = [0x02, 0x00, randomInt(0, 0x8000) >> 8, randomInt(0, 256), (net.macSeq >> 8) & 0xff, net.macSeq & 0xff];
  return value.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The IPv6 of a NIC on a dual-stack network: the requested one inside ip6cidr, or SLAAC (EUI-64) from the MAC. */
export function ipv6For(net: LabNetwork, requested: string | undefined, mac: string): string | undefined {
  if (!net.ip6cidr) {
    if (requested !== undefined) throw invalidParameterValue(`Invalid specified IPv6 address ${requested}`);
    return undefined;
  }
  if (requested === undefined) return eui64Address(net.ip6cidr, mac) ?? undefined;
  if (!ipv6InCidr(requested, net.ip6cidr)) throw invalidParameterValue(`Invalid specified IPv6 address ${requested}`);
  return requested;
}
