// The diff rewrite_config logs and the run page shows (issue 12): the lines
// of the guest's own configuration the plan drops or changes, with what
// replaced them; vzctl's venet0 lines are expected to go and are left out.
import { describe, expect, it } from 'vitest';
import { configDiff, mapFiles, MAX_DIFF_LINES, planConversion, type GuestNetwork } from '../src/index';
import { carryOverCase, ROOT_UUID } from './support/fixtures';

const network: GuestNetwork = {
  hostname: 'ct101.example.net',
  nameservers: ['8.8.8.8'],
  searchDomains: ['example.net'],
  nics: [{ device: 'eth0', ipv4: [{ address: '198.51.100.10', prefix: 24 }], ipv6: [], gateway: '198.51.100.1' }],
};
const diffOf = (files: ReturnType<typeof carryOverCase>) =>
  configDiff(planConversion({ files, network, rootUuid: ROOT_UUID }), files);

describe('configDiff', () => {
  it("lists the customer's venet0 route as changed, not vzctl's own lines (Debian with interfaces.tail)", () => {
    const diff = diffOf(carryOverCase('debian-12-tail', 'debian-12'));
    expect(diff.find((d) => d.from === '/etc/network/interfaces')).toEqual({
      from: '/etc/network/interfaces',
      to: '/etc/network/interfaces',
      lines: [
        '@@ line 18',
        '- \tup ip route add 10.99.0.0/16 dev venet0',
        '+ auto eth0',
        '+ iface eth0 inet static',
        '+ \taddress 198.51.100.10',
        '+ \tnetmask 255.255.255.0',
        '+ \tgateway 198.51.100.1',
        '+ \tup ip route add 10.99.0.0/16 via 198.51.100.1 dev eth0',
      ],
    });
    expect(diff.find((d) => d.from === '/etc/hostname')?.lines).toEqual([
      '@@ line 1',
      '- ct101.example.net',
      '+ ct101',
    ]);
  });

  it('follows route-venet0 into route-eth0, leaves out vzctl keys and files, and counts removed files', () => {
    const diff = diffOf(carryOverCase('centos-6-routes', 'centos-6'));
    const scripts = '/etc/sysconfig/network-scripts';
    expect(diff.find((d) => d.from === `${scripts}/route-venet0`)).toEqual({
      from: `${scripts}/route-venet0`,
      to: `${scripts}/route-eth0`,
      lines: ['@@ line 1', '- 10.99.0.0/16 dev venet0', '+ 10.99.0.0/16 via 198.51.100.1 dev eth0'],
    });
    // GATEWAYDEV="venet0" and IPV6_DEFAULTDEV="venet0" are vzctl's; every other key stayed as it was
    expect(diff.find((d) => d.from === '/etc/sysconfig/network')).toBeUndefined();
    expect(diff.filter((d) => d.from.includes('ifcfg-venet0'))).toEqual([]);
    expect(diff.find((d) => d.from === '/etc/init.d/vzquota')).toMatchObject({
      to: null,
      lines: [expect.stringMatching(/^removed: \d+ lines$/)],
    });
  });

  it('shows a huge file replaced whole, without a quadratic diff, and keeps the first lines only', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n');
    const started = Date.now();
    const diff = configDiff(
      { write: [{ path: '/etc/motd', content: 'new\n', mode: 0o644 }], remove: [], carried: {} },
      mapFiles({ '/etc/motd': big }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(diff[0]!.lines.slice(0, 2)).toEqual(['@@ line 1', '- line 0']);
    expect(diff[0]!.lines).toHaveLength(MAX_DIFF_LINES + 1);
    // @@, 20 000 dropped lines and "+ new": 20 002, of which MAX_DIFF_LINES are kept
    expect(diff[0]!.lines.at(-1)).toBe(`… ${20_002 - MAX_DIFF_LINES} more lines (the original is in the backup)`);
  });
});
