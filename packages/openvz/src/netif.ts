// NETIF: the veth interfaces of a container that uses them instead of venet.
// kolyshkin/vzctl src/lib/config.c parse_netif / parse_netif_str: devices
// separated by ";", each "key=value" pairs separated by ","; ifname is
// required; known keys are ifname, host_ifname, mac, host_mac, bridge,
// mac_filter (others are ignored, as vzctl does); a repeated ifname keeps
// its first description.
export interface VethInterface {
  /** name inside the container, e.g. eth0 */
  name: string;
  mac: string | null;
  hostIfname: string | null;
  hostMac: string | null;
  bridge: string | null;
}

// IFNAMSIZ 16 including the NUL
const MAX_IFNAME = 15;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

export function parseNetif(value: string): VethInterface[] {
  const out: VethInterface[] = [];
  for (const desc of value.split(';')) {
    if (desc.trim() === '') continue;
    const dev = parseOne(desc);
    if (!out.some((d) => d.name === dev.name)) out.push(dev);
  }
  return out;
}

function parseOne(desc: string): VethInterface {
  const dev: VethInterface = { name: '', mac: null, hostIfname: null, hostMac: null, bridge: null };
  for (const pair of desc.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq);
    const val = pair.slice(eq + 1);
    switch (key) {
      case 'ifname':
        dev.name ||= ifname(val, desc);
        break;
      case 'host_ifname':
        dev.hostIfname ??= ifname(val, desc);
        break;
      case 'bridge':
        dev.bridge ??= ifname(val, desc);
        break;
      case 'mac':
        dev.mac = mac(val, desc);
        break;
      case 'host_mac':
        dev.hostMac = mac(val, desc);
        break;
    }
  }
  if (!dev.name) throw new Error(`NETIF entry "${desc}" has no ifname=`);
  return dev;
}

function ifname(val: string, desc: string): string {
  if (val === '' || val.length > MAX_IFNAME || /[\s/]/.test(val)) {
    throw new Error(
      `NETIF entry "${desc}": "${val}" is not an interface name (1-${MAX_IFNAME} characters, no spaces or "/")`,
    );
  }
  return val;
}

function mac(val: string, desc: string): string {
  if (!MAC.test(val)) throw new Error(`NETIF entry "${desc}": "${val}" is not a MAC address`);
  return val.replaceAll('-', ':').toUpperCase();
}
