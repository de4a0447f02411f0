// The guest's network after conversion, as the pipeline decides it (one NIC
// per mapped source network, in CloudStack's order; see packages/pipeline
// nic-plan): what rewrite_config writes into the guest's own format.
export interface GuestAddress {
  address: string;
  prefix: number;
}

export interface GuestNic {
  /** eth0, eth1, ... (net.ifnames=0 keeps these names) */
  device: string;
  /** IPv4: the first is the NIC's primary address */
  ipv4: GuestAddress[];
  ipv6: GuestAddress[];
  /** the IPv4 gateway of this NIC's network */
  gateway: string | null;
  /** the IPv6 gateway of this NIC's network (CloudStack's ip6gateway), for its IPv6 default route */
  ipv6Gateway?: string | null;
}

export interface GuestNetwork {
  hostname: string;
  nics: GuestNic[];
  nameservers: string[];
  searchDomains: string[];
}

/** /etc/hostname holds the short name (hostname(5); vzctl's debian-set_hostname.sh writes ${HOSTNM%%.*}) */
export function shortHostname(hostname: string): string {
  return hostname.split('.')[0]!;
}

/** the NIC of the IPv4 default route: the first whose network has a gateway */
export function defaultNic(net: GuestNetwork): GuestNic | undefined {
  return net.nics.find((n) => n.gateway);
}

/** the NIC of the IPv6 default route: the first with IPv6 addresses and an IPv6 gateway */
export function defaultNic6(net: GuestNetwork): GuestNic | undefined {
  return net.nics.find((n) => n.ipv6.length > 0 && n.ipv6Gateway);
}

export function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

/** the network address of ip/prefix, e.g. 10.0.2.15/24 -> 10.0.2.0/24 */
export function subnetOf(a: GuestAddress): string {
  const n = a.address.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
  const base = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (base >>> s) & 255).join('.')}/${a.prefix}`;
}

/** policy routing table of a NIC: 101 for eth0, 102 for eth1, ... */
export function routingTable(nic: GuestNic): number {
  return 101 + Number(nic.device.replace(/^eth/, ''));
}

/** several networks need policy routing, so replies leave where requests came in */
export function needsPolicyRouting(net: GuestNetwork): boolean {
  return net.nics.filter((n) => n.ipv4.length > 0 && n.gateway).length > 1;
}
