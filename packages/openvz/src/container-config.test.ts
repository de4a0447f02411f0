import { describe, expect, it } from 'vitest';
import { parseConfigLines } from './config-lines';
import { parseContainerConfig } from './container-config';
import { readSample } from './testing/samples';
import { UNLIMITED } from './vzlist-json';

describe('parseContainerConfig', () => {
  it('reads the reference 101.conf with $VEID expanded', () => {
    const c = parseContainerConfig(readSample('openvz/101.conf'), 101);
    expect(c).toMatchObject({
      ctid: 101,
      onboot: true,
      hostname: 'ct101.example.com',
      ostemplate: 'centos-6-x86_64',
      originSample: 'vswap-1g',
      layout: 'ploop',
      privatePath: '/vz/private/101',
      rootPath: '/vz/root/101',
      diskspaceKb: { soft: 10485760n, hard: 10485760n },
      diskinodes: { soft: 131072n, hard: 144179n },
      // "0:1G" and "0:2G" in 4 KiB pages
      physpages: { soft: 0n, hard: 262144n },
      swappages: { soft: 0n, hard: 524288n },
      cpuUnits: 1000,
      ips: [{ address: '10.0.0.101', family: 4, prefix: null }],
      nameservers: ['8.8.8.8'],
      searchDomains: [],
      netifs: [],
    });
    expect(c.warnings).toEqual([]);
  });

  it('reads the vswap sample: 2G:2.2G of disk is 2097152:2306867 KiB blocks, as vzlist prints it', () => {
    const c = parseContainerConfig(readSample('openvz/ve-vswap-1024m.conf-sample'), 102);
    expect(c.diskspaceKb).toEqual({ soft: 2097152n, hard: 2306867n });
  });

  it('reads the basic UBC sample: PHYSPAGES 0:unlimited', () => {
    const c = parseContainerConfig(readSample('openvz/ve-basic.conf-sample'), 102);
    expect(c.physpages).toEqual({ soft: 0n, hard: UNLIMITED });
    expect(c.diskinodes).toEqual({ soft: 131072n, hard: 144179n });
  });

  it("reads the global vz.conf sample with vzctl's line rules (unquoted values, no trailing comments)", () => {
    const { entries, warnings } = parseConfigLines(readSample('openvz/vz.conf'));
    const get = (k: string) => entries.find((e) => e.key === k)?.value;
    expect(warnings).toEqual([]);
    expect(get('VE_LAYOUT')).toBe('ploop');
    expect(get('VE_PRIVATE')).toBe('@VZDIR@/private/$VEID');
    expect(get('CONFIGFILE')).toBe('vswap-256m');
    // vzctl has no end-of-line comments: the comment is part of the value
    expect(get('NAMESERVER')).toBe("inherit # Copy from host system's /etc/resolv.conf");
    expect(entries.some((e) => e.key.startsWith('#'))).toBe(false);
    const c = parseContainerConfig(readSample('openvz/vz.conf'), 300);
    expect(c).toMatchObject({ layout: 'ploop', privatePath: '@VZDIR@/private/300', rootPath: '@VZDIR@/root/300' });
  });

  it('reads IPv6, /prefix, several IPs and skips 0.0.0.0 like parse_ip', () => {
    const c = parseContainerConfig(
      'IP_ADDRESS="10.0.0.5/24 0.0.0.0 2001:DB8:0:0::5/64  10.0.0.6"\nIP_ADDRESS="10.0.0.5 10.0.0.7"\n',
      5,
    );
    expect(c.ips).toEqual([
      { address: '10.0.0.5', family: 4, prefix: 24 },
      { address: '2001:db8::5', family: 6, prefix: 64 },
      { address: '10.0.0.6', family: 4, prefix: null },
      { address: '10.0.0.7', family: 4, prefix: null },
    ]);
  });

  it('reads veth NETIF descriptions', () => {
    const c = parseContainerConfig(
      'NETIF="ifname=eth0,mac=00:18:51:AA:BB:01,host_ifname=veth105.0,host_mac=00:18:51:aa:bb:02,bridge=vmbr10;ifname=eth1,bridge=vmbr20"\n',
      105,
    );
    expect(c.netifs).toEqual([
      {
        name: 'eth0',
        mac: '00:18:51:AA:BB:01',
        hostIfname: 'veth105.0',
        hostMac: '00:18:51:AA:BB:02',
        bridge: 'vmbr10',
      },
      { name: 'eth1', mac: null, hostIfname: null, hostMac: null, bridge: 'vmbr20' },
    ]);
  });

  it('reads lists, names, descriptions and fractional, suffixed sizes', () => {
    const c = parseContainerConfig(
      [
        '  # a comment',
        'NAMESERVER="8.8.8.8 1.1.1.1"',
        'SEARCHDOMAIN="example.com corp.example.com"',
        'NAME=web1',
        'DESCRIPTION="shop \\"main\\" server"',
        'DISKSPACE="1.5T:unlimited"',
        'DISKINODES=200000',
        'PHYSPAGES="512M"',
        'SWAPPAGES="0:262144"',
        'CPULIMIT="50"',
        'CPUS="2"',
        'ONBOOT="no"',
        'VE_LAYOUT="ploop:expanded"',
        'VE_PRIVATE="/vz/private/${VEID}/"',
      ].join('\n'),
      7,
    );
    expect(c).toMatchObject({
      nameservers: ['8.8.8.8', '1.1.1.1'],
      searchDomains: ['example.com', 'corp.example.com'],
      name: 'web1',
      description: 'shop "main" server',
      diskspaceKb: { soft: 1610612736n, hard: UNLIMITED },
      diskinodes: { soft: 200000n, hard: 200000n },
      physpages: { soft: 131072n, hard: 131072n },
      swappages: { soft: 0n, hard: 262144n },
      cpuLimit: 50,
      cpus: 2,
      onboot: false,
      layout: 'ploop',
      privatePath: '/vz/private/7',
    });
  });

  it('keeps the first of a duplicated scalar, as vzctl does, and says so', () => {
    const c = parseContainerConfig('HOSTNAME="a.example.com"\nHOSTNAME="b.example.com"\n', 9);
    expect(c.hostname).toBe('a.example.com');
    expect(c.warnings).toEqual(['line 2: duplicate HOSTNAME ignored (vzctl keeps the first)']);
  });

  it('skips lines vzctl skips, with warnings', () => {
    const c = parseContainerConfig('garbage line\nHOSTNAME="unterminated\nFOO="bar"\n', 9);
    expect(c.hostname).toBeNull();
    expect(c.warnings).toEqual(['line 1: no "=" found, skipped', 'line 2: unmatched quotes, skipped']);
  });

  it('takes shell syntax in values literally (vzctl does not run the file through a shell)', () => {
    const c = parseContainerConfig('HOSTNAME="$(touch /tmp/pwned)`id`"\nDESCRIPTION="a"b"\n', 9);
    expect(c.hostname).toBe('$(touch /tmp/pwned)`id`');
    expect(c.description).toBe('a"b');
  });

  it('refuses bad values of the keys the inventory uses, naming file, line and key', () => {
    const bad: [string, RegExp][] = [
      ['IP_ADDRESS="10.0.0.300"', /101\.conf: line 1: IP_ADDRESS=.*not an IPv4 or IPv6/],
      ['IP_ADDRESS="10.0.0.1/33"', /invalid prefix length/],
      ['DISKSPACE="10X"', /unknown suffix "X"/],
      ['DISKSPACE="1:2:3"', /more than one ":"/],
      ['DISKINODES="10K"', /does not take/],
      ['ONBOOT="maybe"', /"yes" or "no"/],
      ['VE_LAYOUT="zfs"', /simfs, ploop/],
      ['CPUUNITS="-5"', /whole number/],
      ['CPULIMIT="150%"', /percentage/],
      ['NETIF="mac=00:11:22:33:44:55"', /no ifname/],
      ['NETIF="ifname=eth0,mac=zz"', /not a MAC/],
    ];
    for (const [line, re] of bad) expect(() => parseContainerConfig(line + '\n', 101), line).toThrow(re);
  });
});
