import { describe, expect, it } from 'vitest';
import { mapFiles } from '../guest-files';
import type { GuestNetwork } from '../network-model';
import { networkChanges } from './network';
import { detectOs } from '../detect';
import { configDiff } from './config-diff';
import { keyValue, onNic } from './venet';

const nic = { device: 'eth0', gateway: '198.51.100.1', ipv6Gateway: '2001:db8::1' };

describe('onNic: a customer line moved from venet0 to the VM NIC', () => {
  it('gives next-hop-less routes the gateway of their family, in the syntax of their tool', () => {
    expect(onNic('\tup route add -net 10.8.0.0/24 dev venet0', nic)).toBe(
      '\tup route add -net 10.8.0.0/24 gw 198.51.100.1 dev eth0',
    );
    expect(onNic('\tup ip route replace 10.8.0.0/24 dev venet0 src 198.51.100.11', nic)).toBe(
      '\tup ip route replace 10.8.0.0/24 via 198.51.100.1 dev eth0 src 198.51.100.11',
    );
    expect(onNic('2001:db8:99::/48 dev venet0', nic)).toBe('2001:db8:99::/48 via 2001:db8::1 dev eth0');
  });

  it('keeps routes with a next hop, on the link, or without a gateway as they are, the device renamed', () => {
    expect(onNic('10.9.0.0/16 via 198.51.100.254 dev venet0', nic)).toBe('10.9.0.0/16 via 198.51.100.254 dev eth0');
    expect(onNic('\tup ip route add 169.254.1.0/24 dev venet0', nic)).toBe('\tup ip route add 169.254.1.0/24 dev eth0');
    expect(onNic('\tup ip route add 10.8.0.0/24 dev venet0 scope link', nic)).toBe(
      '\tup ip route add 10.8.0.0/24 dev eth0 scope link',
    );
    expect(onNic('\tpost-up /usr/local/bin/fw venet0:0 start', nic)).toBe('\tpost-up /usr/local/bin/fw eth0 start');
    expect(onNic('\tup ip route add 10.8.0.0/24 dev venet0', { ...nic, gateway: null })).toBe(
      '\tup ip route add 10.8.0.0/24 dev eth0',
    );
  });
});

describe('keyValue', () => {
  it('reads KEY=value with or without quotes, in linear time on a hostile line', () => {
    expect(keyValue('GATEWAYDEV="venet0"')).toEqual({ key: 'GATEWAYDEV', value: 'venet0' });
    expect(keyValue("NOZEROCONF='yes'")).toEqual({ key: 'NOZEROCONF', value: 'yes' });
    expect(keyValue('# GATEWAY=1.2.3.4')).toBeNull();
    const started = Date.now();
    expect(keyValue(`A=${' '.repeat(200_000)}'x`)).toEqual({ key: 'A', value: "'x" });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('the rest of the network carry-over', () => {
  const net: GuestNetwork = {
    hostname: 'web1.example.org',
    nameservers: [],
    searchDomains: [],
    nics: [
      {
        device: 'eth0',
        ipv4: [{ address: '203.0.113.5', prefix: 24 }],
        ipv6: [{ address: '2001:db8::5', prefix: 64 }],
        gateway: '203.0.113.1',
        ipv6Gateway: '2001:db8::1',
      },
    ],
  };
  const debian = { '/etc/debian_version': '12.5\n', '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n' };

  it('adds "<ip> <fqdn> <short>" to an /etc/hosts that does not name the host, and leaves one that does', () => {
    const write = (hosts: string) =>
      networkChanges(
        detectOs(mapFiles({ ...debian, '/etc/hosts': hosts })),
        mapFiles({ '/etc/hosts': hosts }),
        net,
      ).write.find((w) => w.path === '/etc/hosts')?.content;
    expect(write('127.0.0.1 localhost\n# web1.example.org\n')).toBe(
      '127.0.0.1 localhost\n# web1.example.org\n203.0.113.5 web1.example.org web1\n',
    );
    expect(write('127.0.0.1 localhost\n203.0.113.5 web1.example.org web1\n')).toBeUndefined();
  });

  it("replaces the customer's own stanza of a device the VM defines (veth), and the diff lists it", () => {
    const files = mapFiles({
      ...debian,
      '/etc/network/interfaces':
        'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n\thostname web1\n',
    });
    const v4only = { ...net, nics: [{ ...net.nics[0]!, ipv6: [] }] };
    const changes = networkChanges(detectOs(files), files, v4only);
    const written = changes.write.find((w) => w.path === '/etc/network/interfaces')!.content;
    expect(written.match(/iface eth0/g)).toEqual(['iface eth0']);
    expect(written).not.toMatch(/dhcp|hostname web1/);
    const diff = configDiff({ ...changes, remove: [] }, files);
    expect(diff.find((d) => d.from === '/etc/network/interfaces')!.lines).toEqual(
      expect.arrayContaining(['- iface eth0 inet dhcp', '- \thostname web1']),
    );
  });

  it('keeps a customer IPV6_DEFAULTDEV that is not venet0 and replaces the old fake GATEWAY', () => {
    const files = mapFiles({
      '/etc/redhat-release': 'CentOS release 6.10 (Final)\n',
      '/etc/sysconfig/network': 'NETWORKING=yes\nGATEWAY="192.0.2.1"\nIPV6_DEFAULTDEV=sit1\n',
    });
    const network = networkChanges(detectOs(files), files, net).write.find((w) => w.path === '/etc/sysconfig/network');
    expect(network?.content.split('\n').slice(1)).toEqual([
      'NETWORKING=yes',
      'GATEWAY=203.0.113.1',
      'IPV6_DEFAULTDEV=sit1',
      'HOSTNAME=web1.example.org',
      'GATEWAYDEV=eth0',
      'NETWORKING_IPV6=yes',
      'IPV6_DEFAULTGW=2001:db8::1',
      '',
    ]);
  });
});
