// Container IP addresses as vzctl stores them: IP_ADDRESS="a b c", each an
// IPv4 or IPv6 address with an optional /prefix (kolyshkin/vzctl
// src/lib/config.c parse_ip, src/lib/util.c canon_ip). 0.0.0.0, :: and ::0
// are skipped like parse_ip does; IPv6 is canonicalised like inet_ntop
// (lower case, longest zero run compressed) so the same address always
// compares equal.
import { isIPv4, isIPv6 } from 'node:net';

export interface ContainerAddress {
  address: string;
  family: 4 | 6;
  prefix: number | null;
}

const SKIPPED = new Set(['0.0.0.0', '::', '::0']);

/** One token of IP_ADDRESS or of vzlist's ip list; throws on anything else. */
export function parseContainerAddress(token: string): ContainerAddress {
  const [addr = '', mask, extra] = token.split('/');
  if (extra !== undefined) throw new Error(`"${token}" is not an IP address (more than one "/")`);
  const family = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : null;
  if (family === null) throw new Error(`"${token}" is not an IPv4 or IPv6 address`);
  let prefix: number | null = null;
  if (mask !== undefined) {
    if (!/^[0-9]{1,3}$/.test(mask) || Number(mask) > (family === 4 ? 32 : 128)) {
      throw new Error(`"${token}" has an invalid prefix length /${mask}`);
    }
    prefix = Number(mask);
  }
  return { address: family === 6 ? canonicalIPv6(addr) : addr, family, prefix };
}

/** Every address of a space-separated list, in order, without duplicates. */
export function parseAddressList(tokens: readonly string[]): ContainerAddress[] {
  const out: ContainerAddress[] = [];
  for (const token of tokens) {
    if (SKIPPED.has(token)) continue;
    const ip = parseContainerAddress(token);
    if (!out.some((o) => o.address === ip.address)) out.push(ip);
  }
  return out;
}

function canonicalIPv6(addr: string): string {
  // inet_ntop keeps the dotted tail of ::ffff:1.2.3.4; the URL parser would not
  if (addr.includes('.')) return addr.toLowerCase();
  // WHATWG URL serialises IPv6 hosts per RFC 5952, as inet_ntop does
  return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
}
