// IPv4/IPv6 prefixes, for mapping a container's IPs to target networks
// ("source VLAN/subnet -> CloudStack network") and checking that an IP lies
// inside a network. Pure (no node:net): the web bundles core for the browser.

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const [addr, bits, ...rest] = text.trim().split('/');
  const family = ipFamily(addr ?? '');
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
  const family = ipFamily(ip);
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
  const value = parseIPv4(ip) ?? parseIPv6(ip);
  if (value === null) throw new Error(`"${ip}" is not an IP address`);
  return value;
}

/** 4, 6, or 0 when `ip` is not an address: the answers of Node's net.isIP, without Node. */
function ipFamily(ip: string): 0 | 4 | 6 {
  if (parseIPv4(ip) !== null) return 4;
  return parseIPv6(ip) === null ? 0 : 6;
}

/** Dotted decimal, four parts of 0-255 without leading zeros. */
function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/**
 * RFC 4291 section 2.2 text: eight groups of 1-4 hex digits, "::" for one or
 * more zero groups, the last 32 bits optionally in dotted decimal; a zone
 * ("%eth0") is accepted, as Node does, and ignored.
 */
function parseIPv6(text: string): bigint | null {
  const zone = text.indexOf('%');
  if (zone !== -1 && !/^%[0-9a-zA-Z.:-]+$/.test(text.slice(zone))) return null;
  const address = zone === -1 ? text : text.slice(0, zone);
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const [head = [], tail] = halves.map((half) => (half === '' ? [] : half.split(':')));
  let embedded: number[] = [];
  const ending = tail ?? head;
  if (ending.at(-1)?.includes('.')) {
    const v4 = parseIPv4(ending.pop()!);
    if (v4 === null) return null;
    embedded = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
  }
  if (![...head, ...(tail ?? [])].every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return null;
  const hex = (groups: string[]) => groups.map((group) => parseInt(group, 16));
  const front = tail === undefined ? [...hex(head), ...embedded] : hex(head);
  const back = tail === undefined ? [] : [...hex(tail), ...embedded];
  const count = front.length + back.length;
  // without "::" all eight groups; "::" stands for at least one
  if (tail === undefined ? count !== 8 : count > 7) return null;
  const words = [...front, ...Array<number>(8 - count).fill(0), ...back];
  return words.reduce((acc, word) => (acc << 16n) | BigInt(word), 0n);
}

function bigIntToIp(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((v >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  return groups
    .join(':')
    .replace(/\b(?:0:){2,}0\b|^(?:0:){2,}|(?::0){2,}$/, '::')
    .replace(/:{3,}/, '::');
}

function prefixMask(prefix: number, width: number): bigint {
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
}
