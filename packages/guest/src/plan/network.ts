// The guest's network in its own format: ifcfg-ethN (CentOS), ifupdown's
// /etc/network/interfaces (Debian, Ubuntu up to 16.04) or netplan (Ubuntu
// 18.04). One interface per NIC with every address of its network, the
// default gateway on eth0, and with several networks a routing table per
// NIC plus a rule per address, so a reply leaves on the NIC its request came
// in on (docs/platforms.md, "Several networks: policy routing"). What the
// customer wrote around venet0 is carried over (venet.ts says what is
// vzctl's): other stanzas, interfaces.head/.tail and hooks, route-venet0,
// the other keys of /etc/sysconfig/network.
import type { DetectedOs } from '../detect';
import type { GuestFiles } from '../guest-files';
import { withOneTrailingNewline } from '../guest-text';
import {
  defaultNic,
  defaultNic6,
  needsPolicyRouting,
  netmask,
  routingTable,
  shortHostname,
  subnetOf,
  type GuestNetwork,
  type GuestNic,
} from '../network-model';
import { readInterfaces, writeInterfaces } from './interfaces-file';
import { HEADER, type FileWrite } from './types';
import { isVzctlNetworkKey, isVzctlRoute, keyValue, onNic, VENET, type NicRoute } from './venet';

export interface NetworkChanges {
  write: FileWrite[];
  remove: string[];
  packages: string[];
  /** a removed file whose customer lines now live in a written one (route-venet0 -> route-eth0) */
  carried: Record<string, string>;
}

const file = (path: string, content: string): FileWrite => ({ path, content, mode: 0o644 });

export function networkChanges(os: DetectedOs, files: GuestFiles, net: GuestNetwork): NetworkChanges {
  const changes =
    os.network === 'ifcfg'
      ? ifcfg(os, files, net)
      : os.network === 'netplan'
        ? netplan(files, net)
        : interfaces(files, net);
  const pbr = needsPolicyRouting(net);
  if (pbr) changes.write.push(file('/etc/iproute2/rt_tables', rtTables(files.read('/etc/iproute2/rt_tables'), net)));
  changes.write.push(file('/etc/resolv.conf', resolvConf(net)));
  const hosts = hostsFile(files.read('/etc/hosts'), net);
  if (hosts !== null) changes.write.push(file('/etc/hosts', hosts));
  return changes;
}

/** where a customer's venet0 line goes: the NICs of the default routes */
function routeNic(net: GuestNetwork): NicRoute {
  const v4 = defaultNic(net) ?? net.nics[0]!;
  return { device: v4.device, gateway: v4.gateway, ipv6Gateway: defaultNic6(net)?.ipv6Gateway ?? null };
}

/**
 * /etc/hosts must resolve the host's own name (hostname -f, many daemons):
 * vzctl's change_hostname() keeps a line "<ip> <fqdn> <short>". A file that
 * already names the FQDN is left alone; otherwise that line is added for the
 * primary address (127.0.1.1 without an IPv4, as Debian's installer does).
 */
function hostsFile(existing: string | null, net: GuestNetwork): string | null {
  const names = (l: string) => l.replace(/#.*/, '').trim().split(/\s+/).slice(1);
  const lines = (existing ?? '127.0.0.1\tlocalhost\n').split('\n');
  if (lines.some((l) => names(l).includes(net.hostname))) return null;
  const ip = defaultNic(net)?.ipv4[0]?.address ?? net.nics.find((n) => n.ipv4.length)?.ipv4[0]?.address ?? '127.0.1.1';
  const short = shortHostname(net.hostname);
  const line = [ip, net.hostname, ...(short !== net.hostname ? [short] : [])].join(' ');
  return `${lines.join('\n').replace(/\n*$/, '\n')}${line}\n`;
}

/** the short name in /etc/hostname */
const hostnameFile = (net: GuestNetwork) => file('/etc/hostname', `${shortHostname(net.hostname)}\n`);

function rtTables(existing: string | null, net: GuestNetwork): string {
  const base = withOneTrailingNewline(
    existing ?? '#\n# reserved values\n#\n255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n',
  );
  const kept = base
    .split('\n')
    .filter((l) => !/^\s*\d+\s+eth\d+\s*$/.test(l) && !l.includes('vzferry'))
    .join('\n');
  return `${withOneTrailingNewline(kept)}# policy routing, one table per interface (vzferry)\n${net.nics.map((n) => `${routingTable(n)}\t${n.device}`).join('\n')}\n`;
}

function resolvConf(net: GuestNetwork): string {
  return [
    `# ${HEADER}`,
    ...(net.searchDomains.length ? [`search ${net.searchDomains.join(' ')}`] : []),
    ...net.nameservers.map((ns) => `nameserver ${ns}`),
    '',
  ].join('\n');
}

// ---------- CentOS: ifcfg-ethN

function ifcfg(os: DetectedOs, files: GuestFiles, net: GuestNetwork): NetworkChanges {
  const dir = '/etc/sysconfig/network-scripts';
  const remove = files
    .list(dir)
    .filter((f) => /^(ifcfg|route6?|rule6?)-venet0/.test(f) || /^(route|rule)-eth\d+$/.test(f))
    .map((f) => `${dir}/${f}`);
  const write: FileWrite[] = [];
  const first = defaultNic(net);
  const major = Number(os.version);
  write.push(file('/etc/sysconfig/network', sysconfigNetwork(files.read('/etc/sysconfig/network'), net)));
  // redhat-set_hostname.sh: the short name where /etc/hostname exists (RHEL 7), HOSTNAME= (FQDN) in network
  if (major >= 7) write.push(hostnameFile(net));
  const pbr = needsPolicyRouting(net);
  for (const nic of net.nics) {
    // CentOS 7 initscripts take IPADDRn/PREFIXn; older ones need ethN:M aliases
    const inline = major >= 7;
    const [primary, ...extra] = nic.ipv4;
    const lines = [
      `# ${HEADER}`,
      `DEVICE=${nic.device}`,
      'TYPE=Ethernet',
      'ONBOOT=yes',
      'BOOTPROTO=none',
      'NM_CONTROLLED=no',
      ...(primary
        ? [
            `IPADDR=${primary.address}`,
            ...(major >= 6 ? [`PREFIX=${primary.prefix}`] : [`NETMASK=${netmask(primary.prefix)}`]),
          ]
        : []),
      ...(inline ? extra.flatMap((a, i) => [`IPADDR${i + 1}=${a.address}`, `PREFIX${i + 1}=${a.prefix}`]) : []),
      ...(nic === first
        ? [`GATEWAY=${nic.gateway}`, ...(major >= 6 ? ['DEFROUTE=yes'] : [])]
        : major >= 6
          ? ['DEFROUTE=no']
          : []),
      ...(nic.ipv6.length
        ? [
            'IPV6INIT=yes',
            `IPV6ADDR=${nic.ipv6[0]!.address}/${nic.ipv6[0]!.prefix}`,
            ...(nic.ipv6.length > 1
              ? [
                  `IPV6ADDR_SECONDARIES="${nic.ipv6
                    .slice(1)
                    .map((a) => `${a.address}/${a.prefix}`)
                    .join(' ')}"`,
                ]
              : []),
          ]
        : []),
      '',
    ];
    write.push(file(`${dir}/ifcfg-${nic.device}`, lines.join('\n')));
    if (!inline) {
      extra.forEach((a, i) => {
        write.push(
          file(
            `${dir}/ifcfg-${nic.device}:${i}`,
            [
              `# ${HEADER}`,
              `DEVICE=${nic.device}:${i}`,
              'ONBOOT=yes',
              'BOOTPROTO=none',
              `IPADDR=${a.address}`,
              `NETMASK=${netmask(a.prefix)}`,
              '',
            ].join('\n'),
          ),
        );
      });
    }
    if (pbr && primary && nic.gateway) {
      const t = nic.device;
      write.push(
        file(
          `${dir}/route-${nic.device}`,
          `${subnetOf(primary)} dev ${nic.device} table ${t}\ndefault via ${nic.gateway} dev ${nic.device} table ${t}\n`,
        ),
      );
      write.push(file(`${dir}/rule-${nic.device}`, nic.ipv4.map((a) => `from ${a.address} table ${t}\n`).join('')));
    }
  }
  const carried = carryRoutes(files, net, write);
  return { write, remove: remove.filter((r) => !write.some((w) => w.path === r)), packages: [], carried };
}

/**
 * /etc/sysconfig/network as the customer had it (initscripts' sysconfig.txt
 * keys), with only the keys of the VM's network set: NETWORKING, HOSTNAME,
 * GATEWAY and GATEWAYDEV, and with IPv6 NETWORKING_IPV6 and IPV6_DEFAULTGW.
 * vzctl's venet0 keys (GATEWAYDEV=venet0, IPV6_DEFAULTDEV=venet0, the fake
 * GATEWAY) go; a key that already holds the value keeps its line as written.
 */
function sysconfigNetwork(existing: string | null, net: GuestNetwork): string {
  const first = defaultNic(net);
  const v6 = defaultNic6(net);
  const owned = new Map<string, string>([
    ['NETWORKING', 'yes'],
    ['HOSTNAME', net.hostname],
    ...(first?.gateway
      ? ([
          ['GATEWAY', first.gateway],
          ['GATEWAYDEV', first.device],
        ] as const)
      : []),
    ...(net.nics.some((n) => n.ipv6.length) ? ([['NETWORKING_IPV6', 'yes']] as const) : []),
    ...(v6?.ipv6Gateway ? ([['IPV6_DEFAULTGW', v6.ipv6Gateway]] as const) : []),
  ]);
  const lines = (existing ?? '').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
  const out = [`# ${HEADER}`];
  const seen = new Set<string>();
  for (const line of lines) {
    if (line.startsWith(`# ${HEADER}`)) continue;
    const kv = keyValue(line);
    if (kv && owned.has(kv.key)) {
      seen.add(kv.key);
      out.push(kv.value === owned.get(kv.key) ? line : `${kv.key}=${owned.get(kv.key)}`);
    } else if (!kv || !isVzctlNetworkKey(kv.key, kv.value)) out.push(line);
  }
  for (const [key, value] of owned) if (!seen.has(key)) out.push(`${key}=${value}`);
  return `${out.join('\n')}\n`;
}

/**
 * route-venet0 and route6-venet0 are the customer's static routes (vzctl
 * commit 5eced4a8): their lines, minus vzctl's own (isVzctlRoute), go to
 * route-ethN / route6-ethN of the default route's NIC, after any policy
 * routing lines already there.
 */
function carryRoutes(files: GuestFiles, net: GuestNetwork, write: FileWrite[]): Record<string, string> {
  const dir = '/etc/sysconfig/network-scripts';
  const nic = routeNic(net);
  const carried: Record<string, string> = {};
  for (const kind of ['route', 'route6']) {
    const from = `${dir}/${kind}-${VENET}`;
    const lines = (files.read(from) ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '' && !isVzctlRoute(l))
      .map((l) =>
        onNic(l, { ...nic, device: kind === 'route6' ? (defaultNic6(net)?.device ?? nic.device) : nic.device }),
      );
    if (!lines.length) continue;
    const device = kind === 'route6' ? (defaultNic6(net)?.device ?? nic.device) : nic.device;
    const to = `${dir}/${kind}-${device}`;
    const existing = write.find((w) => w.path === to);
    if (existing) existing.content += `${lines.join('\n')}\n`;
    else write.push(file(to, `${lines.join('\n')}\n`));
    carried[from] = to;
  }
  return carried;
}

// ---------- Debian, Ubuntu <= 16.04: ifupdown

function interfaces(files: GuestFiles, net: GuestNetwork): NetworkChanges {
  const pbr = needsPolicyRouting(net);
  const original = readInterfaces(
    files.read('/etc/network/interfaces') ?? '',
    net.nics.map((n) => n.device),
  );
  const home = routeNic(net);
  const moved = (family: 'inet' | 'inet6') => original.moved[family].map((l) => onNic(l, home));
  const first = defaultNic(net);
  const first6 = defaultNic6(net);
  const stanzas: string[] = [];
  for (const nic of net.nics) {
    const [primary, ...extra] = nic.ipv4;
    // the customer's venet0 options follow the default route's NIC; inet6 ones its inet6 stanza if it has one
    const own = nic.device === home.device;
    const v6Home = own && nic.ipv6.length > 0;
    const v4Home = own && nic.ipv4.length > 0;
    stanzas.push(`auto ${nic.device}`);
    if (primary) {
      // address + netmask: the CIDR form is unknown to the ifupdown of Debian 6 / Ubuntu 10.04
      stanzas.push(
        `iface ${nic.device} inet static`,
        `\taddress ${primary.address}`,
        `\tnetmask ${netmask(primary.prefix)}`,
      );
      if (nic === first) stanzas.push(`\tgateway ${nic.gateway}`);
      for (const a of extra)
        stanzas.push(
          `\tup ip addr add ${a.address}/${a.prefix} dev ${nic.device}`,
          `\tdown ip addr del ${a.address}/${a.prefix} dev ${nic.device}`,
        );
      if (pbr && nic.gateway) stanzas.push(...pbrLines(nic));
      if (v4Home) stanzas.push(...moved('inet'), ...(v6Home ? [] : moved('inet6')));
    }
    nic.ipv6.forEach((a, i) => {
      if (i === 0) {
        stanzas.push(`iface ${nic.device} inet6 static`, `\taddress ${a.address}`, `\tnetmask ${a.prefix}`);
        if (nic === first6) stanzas.push(`\tgateway ${nic.ipv6Gateway}`);
      } else stanzas.push(`\tup ip -6 addr add ${a.address}/${a.prefix} dev ${nic.device}`);
    });
    if (v6Home) stanzas.push(...(v4Home ? [] : moved('inet')), ...moved('inet6'));
    stanzas.push('');
  }
  return {
    write: [file('/etc/network/interfaces', writeInterfaces(`# ${HEADER}`, original, stanzas)), hostnameFile(net)],
    remove: [],
    packages: [],
    carried: {},
  };
}

function pbrLines(nic: GuestNic): string[] {
  const t = nic.device;
  const subnet = subnetOf(nic.ipv4[0]!);
  return [
    `\tpost-up ip route add ${subnet} dev ${nic.device} table ${t}`,
    `\tpost-up ip route add default via ${nic.gateway} dev ${nic.device} table ${t}`,
    ...nic.ipv4.map((a) => `\tpost-up ip rule add from ${a.address} table ${t}`),
    ...nic.ipv4.map((a) => `\tpre-down ip rule del from ${a.address} table ${t}`),
    `\tpre-down ip route flush table ${t}`,
  ];
}

// ---------- Ubuntu 18.04: netplan

function netplan(files: GuestFiles, net: GuestNetwork): NetworkChanges {
  const pbr = needsPolicyRouting(net);
  const first = defaultNic(net);
  const first6 = defaultNic6(net);
  const lines = [`# ${HEADER}`, 'network:', '  version: 2', '  renderer: networkd', '  ethernets:'];
  for (const nic of net.nics) {
    lines.push(`    ${nic.device}:`, '      dhcp4: false', '      dhcp6: false');
    const addrs = [...nic.ipv4, ...nic.ipv6].map((a) => `${a.address}/${a.prefix}`);
    if (addrs.length) lines.push('      addresses:', ...addrs.map((a) => `        - ${a}`));
    if (nic === first) lines.push(`      gateway4: ${nic.gateway}`);
    if (nic === first6) lines.push(`      gateway6: ${nic.ipv6Gateway}`);
    if (nic === first && (net.nameservers.length || net.searchDomains.length)) {
      lines.push('      nameservers:');
      if (net.nameservers.length) lines.push(`        addresses: [${net.nameservers.join(', ')}]`);
      if (net.searchDomains.length) lines.push(`        search: [${net.searchDomains.join(', ')}]`);
    }
    if (pbr && nic.gateway && nic.ipv4[0]) {
      const t = routingTable(nic);
      lines.push(
        '      routes:',
        `        - to: ${subnetOf(nic.ipv4[0])}`,
        '          scope: link',
        `          table: ${t}`,
        '        - to: 0.0.0.0/0',
        `          via: ${nic.gateway}`,
        `          table: ${t}`,
        '      routing-policy:',
        ...nic.ipv4.flatMap((a) => [`        - from: ${a.address}`, `          table: ${t}`]),
      );
    }
  }
  lines.push('');
  // ifupdown's file keeps the customer's other stanzas but brings up neither venet0 nor the VM's NICs;
  // hooks of venet0's stanzas have no netplan equivalent: dropped, so the run's diff lists them
  const interfacesFile = writeInterfaces(
    `# ${HEADER}\n# the network is configured by netplan: /etc/netplan/50-vzferry.yaml`,
    readInterfaces(
      files.read('/etc/network/interfaces') ?? '',
      net.nics.map((n) => n.device),
    ),
    [],
  );
  return {
    write: [
      file('/etc/netplan/50-vzferry.yaml', lines.join('\n')),
      file('/etc/network/interfaces', interfacesFile),
      hostnameFile(net),
    ],
    remove: [],
    packages: ['netplan.io'],
    carried: {},
  };
}
