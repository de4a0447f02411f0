// Numbers and addresses in findings: sizes as CloudStack's settings state
// them ("212 GB", meaning GiB), IPv4 CIDR membership.
import { GIB } from './limits';

/** "212 GB", "9.5 GB", "0.2 GB": rounded up, so a limit is never shown as met when it is not. */
export function formatGb(bytes: number): string {
  const gb = bytes / GIB;
  if (gb >= 10) return `${Math.ceil(gb)} GB`;
  return `${(Math.ceil(gb * 10) / 10).toFixed(1).replace(/\.0$/, '')} GB`;
}

export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

export function isIpv4(value: string): boolean {
  return ipv4ToInt(value) !== null;
}

export function ipv4InCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.trim().split('/');
  const addr = ipv4ToInt(ip);
  const net = base === undefined ? null : ipv4ToInt(base);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (addr === null || net === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(addr / size) === Math.floor(net / size);
}

/** RFC 1918 networks: a download server there must be listed in secstorage.allowed.internal.sites. */
export function isPrivateIpv4(ip: string): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].some((cidr) => ipv4InCidr(ip, cidr));
}

/** UriUtils.validateUrl refuses these hosts: "Illegal host specified in url". */
export function isIllegalDownloadHost(ip: string): boolean {
  return ['127.0.0.0/8', '169.254.0.0/16', '0.0.0.0/32', '224.0.0.0/4'].some((cidr) => ipv4InCidr(ip, cidr));
}

/** The /24 around an address, to suggest for secstorage.allowed.internal.sites. */
export function slash24(ip: string): string {
  return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
}
