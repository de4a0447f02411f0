// IPv4/IPv6 prefixes, for mapping a container's IPs to target networks
// ("source VLAN/subnet -> CloudStack network") and checking that an IP lies
// inside a network.
import { isIP } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const [addr, bits, ...rest] = text.trim().split('/');
  const family = isIP(addr ?? '');
  if (!addr || !bits || rest.length || (family !== 4 && family !== 6) || !/^\d{1,3}$/.test(bits)) {
    throw new Error(`"${text}" is not a network in CIDR form, e.g. 10.20.0.0/24 or 2001:db8::/64`);
  }
  const prefix = Number(bits);
  const width = family === 4 ? 32 : 128;
  if (prefix > width) throw new Error(`"${text}": an IPv${family} prefix is at most /${width}`);
  const value = ipToBigInt(addr);
  const mask = prefixMask(prefix, width);
  return { family, base: value & mask, prefix, text: `${bigIntToIp(value & mask, family)}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const family = isIP(ip);
  if (family !== cidr.family) return false;
  return (ipToBigInt(ip) & prefixMask(cidr.prefix, family === 4 ? 32 : 128)) === cidr.base;
}

/** The most specific network that holds `ip`, or null. */
export function findNetwork<T extends { cidr: string }>(networks: readonly T[], ip: string): T | null {
  let best: { n: T; prefix: number } | null = null;
  for (const n of networks) {
    const c = parseCidr(n.cidr);
    if (cidrContains(c, ip) && (!best || c.prefix > best.prefix)) best = { n, prefix: c.prefix };
  }
  return best?.n ?? null;
}

export function ipToBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  if (isIP(ip) !== 6) throw new Error(`"${ip}" is not an IP address`);
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

function bigIntToIp(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((v >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/\b(?:0:){2,}0\b|^(?:0:){2,}|(?::0){2,}$/, '::').replace(/:{3,}/, '::');
}

function prefixMask(prefix: number, width: number): bigint {
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
}
