// IPv4 and IPv6 arithmetic for the simulated guest networks.

export function isIpv4(ip: string): boolean {
  const parts = ip.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function ipv4InRange(ip: string, start: string, end: string): boolean {
  const v = ipv4ToInt(ip);
  return v >= ipv4ToInt(start) && v <= ipv4ToInt(end);
}

/** dotted netmask of a CIDR: 10.20.0.0/24 -> 255.255.255.0 */
export function netmaskOf(cidr: string): string {
  const bits = Number(cidr.split('/')[1] ?? 32);
  return intToIpv4(bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits));
}

/** 2001:db8:20::5 -> 8 groups of 16 bits, or null when not an IPv6 address */
export function ipv6Groups(ip: string): number[] | null {
  if (!/^[0-9a-fA-F:]+$/.test(ip) || ip.split('::').length > 2) return null;
  const [head = '', tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? h.length !== 8 : missing < 1) return null;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return null;
  return groups.map((g) => parseInt(g, 16));
}

export function formatIpv6(groups: number[]): string {
  return groups
    .map((g) => g.toString(16))
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
}

/** Whether an IPv6 address is inside a /64 (or shorter) prefix. */
export function ipv6InCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipv6Groups(ip);
  const b = base ? ipv6Groups(base) : null;
  if (!a || !b) return false;
  const bits = Number(bitsText ?? 128);
  for (let i = 0; i < 8 && i * 16 < bits; i++) {
    const take = Math.min(16, bits - i * 16);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** NetUtils.EUI64Address: the /64 prefix plus the interface id derived from the MAC. */
export function eui64Address(cidr: string, mac: string): string | null {
  const prefix = ipv6Groups(cidr.split('/')[0] ?? '');
  const bytes = mac.split(':').map((x) => parseInt(x, 16));
  if (!prefix || bytes.length !== 6) return null;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = bytes;
  const iid = [((m0 ^ 0x02) << 8) | m1, (m2 << 8) | 0xff, (0xfe << 8) | m3, (m4 << 8) | m5];
  return formatIpv6([...prefix.slice(0, 4), ...iid]);
}
