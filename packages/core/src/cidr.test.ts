import { describe, expect, it } from 'vitest';
import { cidrContains, findNetwork, parseCidr } from './cidr';

describe('CIDR', () => {
  it('parses and normalises IPv4 and IPv6 networks', () => {
    expect(parseCidr('10.20.0.7/24').text).toBe('10.20.0.0/24');
    expect(parseCidr('2001:db8:20::1/64').text).toBe('2001:db8:20::/64');
    for (const bad of ['10.20.0.0', '10.20.0.0/33', 'x/24', '10.20.0.0/24/1', '2001:db8::/129']) {
      expect(() => parseCidr(bad), bad).toThrow(/CIDR|at most/);
    }
  });

  it('tells whether an address lies inside', () => {
    expect(cidrContains(parseCidr('10.20.0.0/24'), '10.20.0.255')).toBe(true);
    expect(cidrContains(parseCidr('10.20.0.0/24'), '10.20.1.0')).toBe(false);
    expect(cidrContains(parseCidr('2001:db8:20::/64'), '2001:db8:20::abcd')).toBe(true);
    expect(cidrContains(parseCidr('2001:db8:20::/64'), '2001:db8:21::1')).toBe(false);
    expect(cidrContains(parseCidr('10.0.0.0/8'), '2001:db8::1')).toBe(false);
  });

  it('picks the most specific mapped network', () => {
    const nets = [
      { cidr: '10.0.0.0/8', id: 'wide' },
      { cidr: '10.20.0.0/24', id: 'narrow' },
    ];
    expect(findNetwork(nets, '10.20.0.5')?.id).toBe('narrow');
    expect(findNetwork(nets, '10.30.0.5')?.id).toBe('wide');
    expect(findNetwork(nets, '192.0.2.1')).toBeNull();
  });
});
