import { describe, expect, it } from 'vitest';
import { parseContainerConfig } from './container-config';
import { toInventoryContainer } from './inventory-container';
import { readSample } from './testing/samples';
import { parseVzlistJson } from './vzlist-json';

const [ct101, ct102] = parseVzlistJson(readSample('openvz/vzlist-a-j.jsonc')) as [
  ReturnType<typeof parseVzlistJson>[number],
  ReturnType<typeof parseVzlistJson>[number],
];

describe('toInventoryContainer', () => {
  it('takes what vzlist reports and the config only where vzlist is silent', () => {
    const config = parseContainerConfig(
      'HOSTNAME="from-config"\nNAME="web1"\nCPUS="4"\nIP_ADDRESS="10.0.0.101/26 10.9.9.9"\n',
      101,
    );
    const inv = toInventoryContainer(ct101, config);
    expect(inv.hostname).toBe('ct101.example.com');
    // vzlist's name is null and cpus 0 (unset): the config fills them
    expect(inv.name).toBe('web1');
    expect(inv.cpus).toBe(4);
    // saved IPs first (with their prefixes), then live ones not saved
    expect(inv.ips).toEqual([
      { address: '10.0.0.101', family: 4, prefix: 26 },
      { address: '10.9.9.9', family: 4, prefix: null },
    ]);
  });

  it('works without a config and keeps every live IP', () => {
    const inv = toInventoryContainer(ct102, null);
    expect(inv.ips.map((i) => i.address)).toEqual(['10.0.0.102', '2001:db8::102']);
    expect(inv.nics).toEqual([]);
    expect(inv.diskQuotaKb).toBe(2306867n);
  });

  it('reads RAM from PRIVVMPAGES when PHYSPAGES is not a vswap limit (LONG_MAX or INT_MAX)', () => {
    expect(toInventoryContainer(ct102, null).ramMb).toBe(256);
    const intMax = { ...ct102, physpages: { ...ct102.physpages!, limit: 2147483647n } };
    expect(toInventoryContainer(intMax, null).ramMb).toBe(256);
    expect(toInventoryContainer(ct101, null).ramMb).toBe(1024);
  });

  it('refuses an IP in vzlist output that is not an address, naming the container', () => {
    expect(() => toInventoryContainer({ ...ct101, ip: ['10.0.0.1; rm -rf /'] }, null)).toThrow(
      /container 101.*not an IPv4 or IPv6 address/,
    );
  });
});
