// The guest's network in its own format: ifcfg-ethN (CentOS), ifupdown's
// /etc/network/interfaces (Debian, Ubuntu up to 16.04) or netplan (Ubuntu
// 18.04). One interface per NIC with every address of its network, the
// default gateway on eth0, and with several networks a routing table per
// NIC plus a rule per address, so a reply leaves on the NIC its request came
// in on (docs/platforms.md, "Several networks: policy routing").
import type { DetectedOs } from '../detect';
import type { GuestFiles } from '../guest-files';
import { withOneTrailingNewline } from '../guest-text';
import {
  needsPolicyRouting,
  netmask,
  routingTable,
  subnetOf,
  type GuestNetwork,
  type GuestNic,
} from '../network-model';
import { HEADER, type FileWrite } from './types';

export interface NetworkChanges {
  write: FileWrite[];
  remove: string[];
  packages: string[];
}

const file = (path: string, content: string): FileWrite => ({ path, content, mode: 0o644 });

export function networkChanges(os: DetectedOs, files: GuestFiles, net: GuestNetwork): NetworkChanges {
  const changes =
    os.network === 'ifcfg' ? ifcfg(os, files, net) : os.network === 'netplan' ? netplan(net) : interfaces(net);
  const pbr = needsPolicyRouting(net);
  if (pbr) changes.write.push(file('/etc/iproute2/rt_tables', rtTables(files.read('/etc/iproute2/rt_tables'), net)));
  changes.write.push(file('/etc/resolv.conf', resolvConf(net)));
  return changes;
}

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
  const first = net.nics.find((n) => n.gateway);
  const major = Number(os.version);
  const anyV6 = net.nics.some((n) => n.ipv6.length > 0);
  write.push(
    file(
      '/etc/sysconfig/network',
      [
        `# ${HEADER}`,
        'NETWORKING=yes',
        `HOSTNAME=${net.hostname}`,
        ...(first ? [`GATEWAY=${first.gateway}`, `GATEWAYDEV=${first.device}`] : []),
        ...(anyV6 ? ['NETWORKING_IPV6=yes'] : []),
        '',
      ].join('\n'),
    ),
  );
  if (major >= 7) write.push(file('/etc/hostname', `${net.hostname}\n`));
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
  return { write, remove: remove.filter((r) => !write.some((w) => w.path === r)), packages: [] };
}

// ---------- Debian, Ubuntu <= 16.04: ifupdown

function interfaces(net: GuestNetwork): NetworkChanges {
  const pbr = needsPolicyRouting(net);
  const blocks = [`# ${HEADER}`, '', 'auto lo', 'iface lo inet loopback', ''];
  for (const nic of net.nics) {
    const [primary, ...extra] = nic.ipv4;
    blocks.push(`auto ${nic.device}`);
    if (primary) {
      // address + netmask: the CIDR form is unknown to the ifupdown of Debian 6 / Ubuntu 10.04
      blocks.push(
        `iface ${nic.device} inet static`,
        `\taddress ${primary.address}`,
        `\tnetmask ${netmask(primary.prefix)}`,
      );
      if (nic.gateway && nic === net.nics.find((n) => n.gateway)) blocks.push(`\tgateway ${nic.gateway}`);
      for (const a of extra)
        blocks.push(
          `\tup ip addr add ${a.address}/${a.prefix} dev ${nic.device}`,
          `\tdown ip addr del ${a.address}/${a.prefix} dev ${nic.device}`,
        );
      if (pbr && nic.gateway) blocks.push(...pbrLines(nic));
    }
    nic.ipv6.forEach((a, i) => {
      if (i === 0) blocks.push(`iface ${nic.device} inet6 static`, `\taddress ${a.address}`, `\tnetmask ${a.prefix}`);
      else blocks.push(`\tup ip -6 addr add ${a.address}/${a.prefix} dev ${nic.device}`);
    });
    blocks.push('');
  }
  return {
    write: [file('/etc/network/interfaces', blocks.join('\n')), file('/etc/hostname', `${net.hostname}\n`)],
    remove: [],
    packages: [],
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

function netplan(net: GuestNetwork): NetworkChanges {
  const pbr = needsPolicyRouting(net);
  const first = net.nics.find((n) => n.gateway);
  const lines = [`# ${HEADER}`, 'network:', '  version: 2', '  renderer: networkd', '  ethernets:'];
  for (const nic of net.nics) {
    lines.push(`    ${nic.device}:`, '      dhcp4: false', '      dhcp6: false');
    const addrs = [...nic.ipv4, ...nic.ipv6].map((a) => `${a.address}/${a.prefix}`);
    if (addrs.length) lines.push('      addresses:', ...addrs.map((a) => `        - ${a}`));
    if (nic === first) lines.push(`      gateway4: ${nic.gateway}`);
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
  // ifupdown's venet0 file must not bring anything up any more
  const onlyLo = `# ${HEADER}\n# the network is configured by netplan: /etc/netplan/50-vzferry.yaml\nauto lo\niface lo inet loopback\n`;
  return {
    write: [
      file('/etc/netplan/50-vzferry.yaml', lines.join('\n')),
      file('/etc/network/interfaces', onlyLo),
      file('/etc/hostname', `${net.hostname}\n`),
    ],
    remove: [],
    packages: ['netplan.io'],
  };
}
